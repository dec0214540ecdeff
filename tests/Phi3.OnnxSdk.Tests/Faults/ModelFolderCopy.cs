using System.Text.Json.Nodes;
using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Tests.Faults;

/// <summary>
/// A throw-away copy of a synthetic model folder to damage: each file starts as a symbolic link to the built model's
/// (so the 35 MB graph is not copied), and a file is written for real when it is changed. Deleted on dispose.
/// </summary>
internal sealed class ModelFolderCopy : IDisposable
{
    private ModelFolderCopy(string source)
    {
        Folder = Path.Combine(Path.GetTempPath(), "phi3-fault-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        foreach (string file in Directory.GetFiles(source))
        {
            File.CreateSymbolicLink(Path.Combine(Folder, Path.GetFileName(file)), file);
        }
    }

    public string Folder { get; }

    /// <summary>A copy of the tiny synthetic Phi-3 model.</summary>
    public static ModelFolderCopy OfTiny() => new(TestModelCache.GetOrBuild("tiny"));

    public string PathOf(string file) => Path.Combine(Folder, file);

    public void Delete(string file) => File.Delete(PathOf(file));

    /// <summary>Replaces <paramref name="file"/> with <paramref name="text"/>.</summary>
    public void Write(string file, string text)
    {
        Delete(file);
        File.WriteAllText(PathOf(file), text);
    }

    /// <summary>Replaces <paramref name="file"/> with its first half, as an interrupted download leaves it.</summary>
    public void Truncate(string file)
    {
        byte[] bytes = File.ReadAllBytes(PathOf(file));
        Delete(file);
        File.WriteAllBytes(PathOf(file), bytes[..(bytes.Length / 2)]);
    }

    /// <summary>Rewrites the JSON file <paramref name="file"/> after <paramref name="edit"/> changed its document.</summary>
    public void EditJson(string file, Action<JsonNode> edit)
    {
        var document = JsonNode.Parse(File.ReadAllText(PathOf(file)))!;
        edit(document);
        Write(file, document.ToJsonString());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
