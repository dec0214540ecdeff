using Phi3.OnnxSdk.SyntheticModels;
using Phi3.OnnxSdk.Tests.Hub;

namespace Phi3.OnnxSdk.Cli.Tests;

/// <summary>
/// <c>phi3 download</c> and an offline chat run as processes against a loopback fake hub that serves the synthetic
/// tiny model under a catalog entry of its own.
/// </summary>
public sealed class DownloadProcessTests
{
    private const string RepoId = "contoso/phi3-synthetic-onnx";
    private const string Subfolder = "cpu_and_mobile/tiny";

    private static readonly string[] s_files =
        ["model.onnx", "genai_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json"];

    [Fact]
    public async Task Download_CatalogEntryOnTheHub_FetchesWithProgressThenChatsOffline()
    {
        await using var hub = new FakeHub();
        var repo = hub.AddRepo(RepoId);
        string tiny = TestModelCache.GetOrBuild("tiny");
        foreach (string file in s_files)
        {
            repo.AddFile($"{Subfolder}/{file}", File.ReadAllBytes(Path.Combine(tiny, file)), lfs: file.EndsWith(".onnx", StringComparison.Ordinal));
        }

        string temp = Directory.CreateTempSubdirectory("phi3-cli-download-").FullName;
        try
        {
            string catalog = Path.Combine(temp, "catalog.json");
            File.WriteAllText(catalog, Catalog());
            string cache = Path.Combine(temp, "hub");
            var online = new Dictionary<string, string?> { ["HF_ENDPOINT"] = hub.Endpoint.ToString(), ["HF_HUB_OFFLINE"] = null };

            using (var download = Phi3Process.Start(online, "download", "--catalog", catalog, "--cache-dir", cache, "--assume", "cpu:8GB"))
            {
                download.CloseInput();
                var result = await download.WaitForExitAsync();
                Assert.True(result.ExitCode == 0, result.ToString());
                string folder = result.Stdout.Trim().Split('\n')[^1];
                Assert.True(File.Exists(Path.Combine(folder, "model.onnx")), result.ToString());
                Assert.Contains("100%", result.Stderr, StringComparison.Ordinal);
            }

            // Offline now: the chat resolves the same entry and loads it from the cache.
            var answer = await Phi3Process.RunAsync(string.Empty, "--catalog", catalog, "--cache-dir", cache, "--offline", "-n", "3", "Hello");
            Assert.True(answer.ExitCode == 0, answer.ToString());
            Assert.NotEmpty(answer.Stdout.Trim());
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    private static string Catalog() => $$"""
        {
          "version": 1,
          "defaultFamily": "phi3-synthetic",
          "families": [{ "id": "phi3-synthetic", "aliases": [] }],
          "models": [{
            "id": "phi3-synthetic/cpu-tiny", "family": "phi3-synthetic", "variant": "cpu-tiny",
            "source": { "hub": { "repo": "{{RepoId}}", "revision": "main", "pinned": false }, "subfolder": "{{Subfolder}}" },
            "provider": "cpu", "precision": "fp32",
            "files": [{{string.Join(", ", s_files.Select(f => $"{{ \"path\": \"{f}\" }}"))}}],
            "fileListComplete": true,
            "contextLength": 4096, "memory": { "weightsBytes": 40000000, "kvBytesPerToken": 4096 },
            "capabilities": ["text"], "tokenizer": "llama2-phi3"
          }]
        }
        """;
}
