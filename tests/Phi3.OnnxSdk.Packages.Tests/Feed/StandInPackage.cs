using System.IO.Compression;

namespace Phi3.OnnxSdk.Packages.Tests;

/// <summary>
/// Writes a stand-in for an onnxruntime-genai native package that this network does not serve (the CUDA and DirectML
/// builds): the real id, version and dependency on the managed package, and native files of the real names (a few
/// bytes each, never loaded). Restoring a backend against it shows the closure the real package would give.
/// </summary>
internal static class StandInPackage
{
    public static void Write(string feed, string id, string version, IEnumerable<string> nativeFiles)
    {
        string path = Path.Combine(feed, $"{id}.{version}.nupkg");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        Add(zip, $"{id}.nuspec", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
              <metadata>
                <id>{id}</id>
                <version>{version}</version>
                <authors>Phi3.OnnxSdk tests</authors>
                <description>A stand-in for {id} {version} in the packaging tests: native file names only.</description>
                <dependencies>
                  <group targetFramework="net8.0">
                    <dependency id="Microsoft.ML.OnnxRuntimeGenAI.Managed" version="{version}" />
                  </group>
                </dependencies>
              </metadata>
            </package>
            """);
        Add(zip, "[Content_Types].xml", """
            <?xml version="1.0" encoding="utf-8"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="nuspec" ContentType="application/octet" /><Default Extension="so" ContentType="application/octet" /><Default Extension="dll" ContentType="application/octet" /></Types>
            """);
        foreach (string file in nativeFiles)
        {
            Add(zip, file, "stand-in");
        }
    }

    private static void Add(ZipArchive zip, string name, string content)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name).Open());
        writer.Write(content);
    }
}
