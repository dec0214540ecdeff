namespace Phi3.OnnxSdk.Tests.Catalog;

/// <summary>Finds files at the repository root from the test output folder.</summary>
internal static class RepositoryFiles
{
    public static string Path(string fileName)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = System.IO.Path.Combine(directory.FullName, fileName);
            if (File.Exists(candidate) && File.Exists(System.IO.Path.Combine(directory.FullName, "Phi3.OnnxSdk.sln")))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"'{fileName}' not found above {AppContext.BaseDirectory}.");
    }

    public static string Read(string fileName) => File.ReadAllText(Path(fileName));
}
