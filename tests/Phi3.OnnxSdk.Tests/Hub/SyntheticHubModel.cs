using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Tests.Hub;

/// <summary>
/// The synthetic tiny model as a catalog entry: its files published on a <see cref="FakeHub"/>, and a one-entry
/// catalog (variant <c>{family}/cpu-tiny</c>) whose source is that hub repository or a local folder.
/// </summary>
internal static class SyntheticHubModel
{
    /// <summary>The files of the tiny model folder that a download fetches.</summary>
    public static IReadOnlyList<string> Files { get; } =
        ["model.onnx", "genai_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json"];

    /// <summary>Serves the tiny model's files from <paramref name="hub"/> as <paramref name="repoId"/>/<paramref name="subfolder"/>.</summary>
    public static FakeHubRepo Publish(FakeHub hub, string repoId, string subfolder)
    {
        var repo = hub.AddRepo(repoId);
        string tiny = TestModelCache.GetOrBuild("tiny");
        foreach (string file in Files)
        {
            repo.AddFile($"{subfolder}/{file}", File.ReadAllBytes(Path.Combine(tiny, file)), lfs: file.EndsWith(".onnx", StringComparison.Ordinal));
        }

        return repo;
    }

    /// <summary>The catalog source of a hub repository.</summary>
    public static string HubSource(string repoId, string subfolder) =>
        $$"""{ "hub": { "repo": "{{repoId}}", "revision": "main", "pinned": false }, "subfolder": "{{subfolder}}" }""";

    /// <summary>The catalog source of a local folder.</summary>
    public static string LocalSource(string folder) =>
        $$"""{ "localPath": "{{Path.GetDirectoryName(folder)}}", "subfolder": "{{Path.GetFileName(folder)}}" }""";

    /// <summary>A catalog whose default family <paramref name="family"/> has one CPU variant, <c>cpu-tiny</c>, from <paramref name="sourceJson"/>.</summary>
    public static string Catalog(string family, string sourceJson) => $$"""
        {
          "version": 1,
          "defaultFamily": "{{family}}",
          "families": [{ "id": "{{family}}", "aliases": [] }],
          "models": [{
            "id": "{{family}}/cpu-tiny", "family": "{{family}}", "variant": "cpu-tiny",
            "source": {{sourceJson}},
            "provider": "cpu", "precision": "fp32",
            "files": [{{string.Join(", ", Files.Select(f => $"{{ \"path\": \"{f}\" }}"))}}],
            "fileListComplete": true,
            "contextLength": 4096, "memory": { "weightsBytes": 40000000, "kvBytesPerToken": 4096 },
            "capabilities": ["text"], "tokenizer": "llama2-phi3"
          }]
        }
        """;
}
