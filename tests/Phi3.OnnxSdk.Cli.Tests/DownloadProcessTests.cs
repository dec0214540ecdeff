using System.Diagnostics;
using System.Security.Cryptography;
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

        using var setup = new HubCatalogFolder(hub, RepoId, Subfolder);
        string catalog = setup.Catalog;
        string cache = setup.Cache;
        var online = setup.Online;

        var result = await Phi3Process.RunAsync(online, string.Empty, "download", "--catalog", catalog, "--cache-dir", cache, "--assume", "cpu:8GB");
        Assert.True(result.ExitCode == 0, result.ToString());
        string folder = result.Stdout.Trim().Split('\n')[^1];
        Assert.True(File.Exists(Path.Combine(folder, "model.onnx")), result.ToString());
        Assert.Contains("100%", result.Stderr, StringComparison.Ordinal);

        // Offline now: the chat resolves the same entry and loads it from the cache.
        var answer = await Phi3Process.RunAsync(string.Empty, "chat", "--catalog", catalog, "--cache-dir", cache, "--offline", "-n", "3", "Hello");
        Assert.True(answer.ExitCode == 0, answer.ToString());
        Assert.NotEmpty(answer.Stdout.Trim());
    }

    [Fact]
    public async Task Chat_HubUnreachableAfterDownload_AnswersFromTheCacheAndWarnsOnStderr()
    {
        await using var hub = new FakeHub();
        SyntheticHubModel.Publish(hub, RepoId, Subfolder);

        using var setup = new HubCatalogFolder(hub, RepoId, Subfolder);
        string catalog = setup.Catalog;
        string cache = setup.Cache;
        var online = setup.Online;
        var fetched = await Phi3Process.RunAsync(online, string.Empty, "download", "--catalog", catalog, "--cache-dir", cache, "--assume", "cpu:8GB");
        Assert.True(fetched.ExitCode == 0, fetched.ToString());

        // No --offline: the hub is simply gone, as on a train. The cached copy answers, and the user is told why.
        var closed = FakeHub.ClosedEndpoint();
        var gone = new Dictionary<string, string?> { ["HF_ENDPOINT"] = closed.ToString(), ["HF_HUB_OFFLINE"] = null };
        var answer = await Phi3Process.RunAsync(gone, string.Empty, "chat", "--catalog", catalog, "--cache-dir", cache, "-n", "3", "Hello");

        Assert.True(answer.ExitCode == 0, answer.ToString());
        Assert.NotEmpty(answer.Stdout.Trim());
        Assert.Contains("warning: ", answer.Stderr, StringComparison.Ordinal);
        Assert.Contains("could not be reached", answer.Stderr, StringComparison.Ordinal);
        Assert.Contains(closed.ToString(), answer.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_HubNameDoesNotResolveAndNothingIsCached_FailsAtOnceNamingTheOfflineWays()
    {
        await using var hub = new FakeHub();
        using var setup = new HubCatalogFolder(hub, RepoId, Subfolder);

        // Not this hub: an unresolvable host (the .invalid domain never resolves), no --offline, an empty cache: the first run of a
        // newcomer on a train. phi3 must neither retry the hub nor stay silent about the ways to run offline.
        var noNetwork = new Dictionary<string, string?> { ["HF_ENDPOINT"] = "http://phi3-hub.invalid", ["HF_HUB_OFFLINE"] = null };
        var result = await Phi3Process.RunAsync(noNetwork, string.Empty, "chat", "--catalog", setup.Catalog, "--cache-dir", setup.Cache, "Hello");

        Assert.True(result.ExitCode == 1, result.ToString());
        string line = Assert.Single(result.StderrLines, l => l.StartsWith("phi3: ", StringComparison.Ordinal));
        Assert.Contains("the Hugging Face hub (phi3-hub.invalid) cannot be reached", line, StringComparison.Ordinal);
        Assert.Contains("--model-path <folder>", line, StringComparison.Ordinal);
        Assert.Contains("--offline --cache-dir <folder>", line, StringComparison.Ordinal);
        Assert.Contains("'phi3 synthetic <folder>'", line, StringComparison.Ordinal);
        Assert.DoesNotContain("retry", result.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Download_CopyFilesThenVerifyCacheOverACorruptBlob_SnapshotHoldsCopiesAndTheBlobIsFetchedAgain()
    {
        await using var hub = new FakeHub();
        var repo = SyntheticHubModel.Publish(hub, RepoId, Subfolder);
        var weights = repo.Files[$"{Subfolder}/model.onnx"];
        using var setup = new HubCatalogFolder(hub, RepoId, Subfolder);
        string[] args = ["download", "--catalog", setup.Catalog, "--cache-dir", setup.Cache, "--assume", "cpu:8GB", "--copy-files"];

        var first = await Phi3Process.RunAsync(setup.Online, string.Empty, args);
        Assert.True(first.ExitCode == 0, first.ToString());
        string folder = first.Stdout.Trim().Split('\n')[^1];
        string copy = Path.Combine(folder, "model.onnx");
        Assert.Null(new FileInfo(copy).LinkTarget);

        // Bit rot of the same size: trusted by size alone, replaced once --verify-cache hashes it.
        string blob = Path.Combine(setup.Cache, "models--contoso--phi3-synthetic-onnx", "blobs", weights.Sha256);
        var rotten = File.ReadAllBytes(blob);
        rotten[rotten.Length / 2] ^= 0xFF;
        File.WriteAllBytes(blob, rotten);
        File.WriteAllBytes(copy, rotten);
        var servedBefore = hub.BytesServedFor(weights.Path);

        var trusting = await Phi3Process.RunAsync(setup.Online, string.Empty, args);
        Assert.True(trusting.ExitCode == 0, trusting.ToString());
        Assert.Equal(servedBefore, hub.BytesServedFor(weights.Path));

        var verifying = await Phi3Process.RunAsync(setup.Online, string.Empty, [.. args, "--verify-cache"]);
        Assert.True(verifying.ExitCode == 0, verifying.ToString());
        Assert.Contains("fails its check", verifying.Stderr, StringComparison.Ordinal);
        Assert.Equal(servedBefore + weights.Content.Length, hub.BytesServedFor(weights.Path));
        Assert.Equal(weights.Content, File.ReadAllBytes(blob));
        Assert.Equal(weights.Content, File.ReadAllBytes(copy));
        Assert.Null(new FileInfo(copy).LinkTarget);
    }

    [Fact]
    public async Task Download_TwoProcessesIntoOneEmptyCache_FetchTheWeightsOnceAndBothSucceed()
    {
        await using var hub = new FakeHub();
        var repo = SyntheticHubModel.Publish(hub, RepoId, Subfolder);
        var weights = repo.Files[$"{Subfolder}/model.onnx"];

        // The weights' bytes are held until both processes have asked for them, and their last 512 KiB trickle
        // (about a second), so the second process reaches the blob's lock while the first is still downloading.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        weights.BodyGate = gate.Task;
        weights.TrickleAfterBytes = weights.Content.Length - (512 * 1024);
        weights.TrickleChunk = 32 * 1024;
        weights.TrickleDelay = TimeSpan.FromMilliseconds(60);

        using var setup = new HubCatalogFolder(hub, RepoId, Subfolder);
        string catalog = setup.Catalog;
        string cache = setup.Cache;
        var online = setup.Online;
        string[] args = ["download", "--catalog", catalog, "--cache-dir", cache, "--assume", "cpu:8GB"];

        using var first = Phi3Process.Start(online, args);
        using var second = Phi3Process.Start(online, args);
        first.CloseInput();
        second.CloseInput();

        var waiting = Stopwatch.StartNew();
        while (hub.Requests.Count(r => r.Method == "HEAD" && r.FilePath == weights.Path) < 2)
        {
            if (waiting.Elapsed > Phi3Process.Timeout || first.HasExited || second.HasExited)
            {
                Assert.Fail($"Both processes should have resolved the weights by now. first: {first.Stderr} second: {second.Stderr}");
            }

            await Task.Delay(20);
        }

        gate.SetResult();
        var results = await Task.WhenAll(first.WaitForExitAsync(), second.WaitForExitAsync());

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        string folder = results[0].Stdout.Trim().Split('\n')[^1];
        Assert.Equal(folder, results[1].Stdout.Trim().Split('\n')[^1]);
        string repoDirectory = Path.Combine(cache, "models--contoso--phi3-synthetic-onnx");
        string blob = Path.Combine(repoDirectory, "blobs", weights.Sha256);
        Assert.Equal(weights.Sha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(blob))));
        foreach (string file in SyntheticHubModel.Files)
        {
            Assert.Equal(repo.Files[$"{Subfolder}/{file}"].Content, File.ReadAllBytes(Path.Combine(folder, file)));
        }

        Assert.Empty(Directory.GetFiles(repoDirectory, "*.incomplete", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(repoDirectory, "*.tmp", SearchOption.AllDirectories));

        // The second process waited for the lock and then found the verified blob: the weights crossed the wire once.
        Assert.InRange(hub.BytesServedFor(weights.Path), weights.Content.Length, weights.Content.Length + (64 * 1024));
        Assert.InRange(hub.BytesServed, repo.Files.Values.Sum(f => (long)f.Content.Length), repo.Files.Values.Sum(f => (long)f.Content.Length) + (64 * 1024));
    }

    [Fact]
    public async Task Download_ConnectionsOne_FetchesTheWeightsOnOneRequestWithoutRange_TheDefaultAsksForRanges()
    {
        await using var hub = new FakeHub();
        SyntheticHubModel.Publish(hub, RepoId, Subfolder);
        string weights = $"{Subfolder}/model.onnx";
        using var single = new HubCatalogFolder(hub, RepoId, Subfolder);
        using var ranged = new HubCatalogFolder(hub, RepoId, Subfolder);

        var one = await Phi3Process.RunAsync(single.Online, string.Empty, "download", "--catalog", single.Catalog, "--cache-dir", single.Cache, "--assume", "cpu:8GB", "--connections", "1");
        Assert.True(one.ExitCode == 0, one.ToString());
        var singleRequest = Assert.Single(hub.Requests, r => r.Cdn && r.FilePath == weights);
        int before = hub.Requests.Count;
        var many = await Phi3Process.RunAsync(ranged.Online, string.Empty, "download", "--catalog", ranged.Catalog, "--cache-dir", ranged.Cache, "--assume", "cpu:8GB");

        Assert.True(many.ExitCode == 0, many.ToString());
        Assert.Null(singleRequest.Range);
        var rangedRequests = hub.Requests.Skip(before).Where(r => r.Cdn && r.FilePath == weights).ToList();
        Assert.True(rangedRequests.Count > 0, many.ToString());
        Assert.All(rangedRequests, r => Assert.NotNull(r.Range));
    }
}
