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

    [Fact]
    public async Task Download_CatalogEntryOnTheHub_FetchesWithProgressThenChatsOffline()
    {
        await using var hub = new FakeHub();
        SyntheticHubModel.Publish(hub, RepoId, Subfolder);

        string temp = Directory.CreateTempSubdirectory("phi3-cli-download-").FullName;
        try
        {
            string catalog = Path.Combine(temp, "catalog.json");
            File.WriteAllText(catalog, SyntheticHubModel.Catalog("phi3-synthetic", SyntheticHubModel.HubSource(RepoId, Subfolder)));
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
}
