using Phi3.OnnxSdk.Hub;

namespace Phi3.OnnxSdk.Tests.Hub;

/// <summary>
/// A folder download records the listing it was made against, so that without the hub (offline, or the hub
/// unreachable) a snapshot whose download stopped half-way is reported incomplete, naming what it lacks.
/// </summary>
public sealed class SnapshotCompletenessTests : IAsyncLifetime, IDisposable
{
    private const string RepoId = "microsoft/Phi-3-folder-onnx";
    private const string Folder = "cpu/cpu-int4";
    private readonly FakeHub _hub = new();
    private readonly TempDirectory _cache = new();
    private readonly FakeHubRepo _repo;
    private readonly FakeHubFile _weights;

    public SnapshotCompletenessTests()
    {
        _repo = _hub.AddRepo(RepoId);
        foreach (var name in new[] { "genai_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "model.onnx" })
        {
            _repo.AddRandomFile($"{Folder}/{name}", 3000, lfs: name.EndsWith(".onnx", StringComparison.Ordinal));
        }

        _weights = _repo.AddRandomFile($"{Folder}/model.onnx.data", 400_000, seed: 41);
    }

    private string RepoDirectory => Path.Combine(_cache.Path, "models--microsoft--Phi-3-folder-onnx");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    public void Dispose() => _cache.Dispose();

    [Fact]
    public async Task DownloadAsync_OfflineAfterAnInterruptedFolderDownload_ThrowsNamingTheMissingFile()
    {
        var partial = await InterruptAsync();
        using var offline = Create(new HubClientOptions { Offline = true });

        var ex = await Assert.ThrowsAsync<HubOfflineException>(() => offline.DownloadAsync(FolderRequest()));

        // The files listed after the weights were never started, and are named too.
        var absent = _repo.Files.Keys.Where(p => !File.Exists(Path.Combine(RepoDirectory, "snapshots", _repo.Commit, p))).Order(StringComparer.Ordinal);
        Assert.Equal(absent, ex.MissingFiles.Order(StringComparer.Ordinal));
        Assert.Contains(_weights.Path, ex.MissingFiles);
        Assert.Contains("is incomplete", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"{_weights.Path} ({partial:N0} of 400,000 bytes in ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(".incomplete", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DownloadAsync_HubUnreachableAfterAnInterruptedFolderDownload_ThrowsInsteadOfUsingTheCache()
    {
        await InterruptAsync();
        using var unreachable = Create(new HubClientOptions { Endpoint = FakeHub.ClosedEndpoint(), MaxRetries = 0 });

        var ex = await Assert.ThrowsAsync<HubException>(() => unreachable.DownloadAsync(FolderRequest()));

        Assert.Contains("could not be reached", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"is incomplete; it lacks {_weights.Path}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DownloadAsync_OfflineAfterTheInterruptedDownloadIsFinished_ReturnsEveryListedFile()
    {
        await InterruptAsync();
        using (var online = Create())
        {
            await online.DownloadAsync(FolderRequest());
        }

        using var offline = Create(new HubClientOptions { Offline = true });
        var snapshot = await offline.DownloadAsync(FolderRequest());

        Assert.Equal(_repo.Files.Keys.Order(StringComparer.Ordinal), snapshot.LocalPaths.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DownloadAsync_OfflineFolderSnapshotWithoutARecordedListing_CannotBeShownComplete()
    {
        using (var online = Create())
        {
            await online.DownloadAsync(FolderRequest());
        }

        // As another tool (or an older version of this SDK) leaves it: the files, and no record of the listing.
        Directory.Delete(Path.Combine(RepoDirectory, ".phi3"), recursive: true);
        using var offline = Create(new HubClientOptions { Offline = true });

        var ex = await Assert.ThrowsAsync<HubOfflineException>(() => offline.DownloadAsync(FolderRequest()));

        Assert.Equal([Folder + "/"], ex.MissingFiles);
        Assert.Contains("file list was never recorded", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DownloadAsync_FolderDownload_KeepsItsRecordWhereHuggingFaceHubToolsDoNotLook()
    {
        using (var online = Create())
        {
            await online.DownloadAsync(FolderRequest());
        }

        // huggingface_hub's scan_cache_dir reads refs/ and snapshots/ only: snapshots/ holds commit folders, and the
        // snapshot the repository's files and nothing else; the record sits in a dot folder beside them.
        Assert.Equal([_repo.Commit], Directory.GetFileSystemEntries(Path.Combine(RepoDirectory, "snapshots")).Select(Path.GetFileName));
        var snapshot = Path.Combine(RepoDirectory, "snapshots", _repo.Commit);
        Assert.Equal(
            _repo.Files.Keys.Order(StringComparer.Ordinal),
            Directory.GetFiles(snapshot, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(snapshot, f)).Order(StringComparer.Ordinal));
        var record = Assert.Single(Directory.GetFiles(Path.Combine(RepoDirectory, ".phi3", "listings", _repo.Commit)));
        Assert.Contains($"\"folder\": \"{Folder}\"", File.ReadAllText(record), StringComparison.Ordinal);
        Assert.Equal([".phi3", "blobs", "refs", "snapshots"], Directory.GetDirectories(RepoDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DownloadAsync_RecordNamingAPathOutsideTheSnapshot_IsIgnored()
    {
        using (var online = Create())
        {
            await online.DownloadAsync(FolderRequest());
        }

        var record = Directory.GetFiles(Path.Combine(RepoDirectory, ".phi3", "listings", _repo.Commit)).Single();
        File.WriteAllText(record, File.ReadAllText(record).Replace($"\"{Folder}/tokenizer.json\"", "\"../../../../etc/passwd\"", StringComparison.Ordinal));
        using var offline = Create(new HubClientOptions { Offline = true });

        var ex = await Assert.ThrowsAsync<HubOfflineException>(() => offline.DownloadAsync(FolderRequest()));

        Assert.Contains("file list was never recorded", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Starts the folder download and cancels it while the weights arrive; returns the partial file's length.</summary>
    private async Task<long> InterruptAsync()
    {
        _weights.TrickleAfterBytes = 100_000;
        _weights.TrickleChunk = 4096;
        _weights.TrickleDelay = TimeSpan.FromMilliseconds(5);
        using var cts = new CancellationTokenSource();
        using (var online = Create())
        {
            var progress = new SyncProgress<DownloadProgress>(p =>
            {
                if (p.FilePath == _weights.Path && p.FileBytesDownloaded >= 100_000)
                {
                    cts.Cancel();
                }
            });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => online.DownloadAsync(FolderRequest(), progress, cts.Token));
        }

        _weights.TrickleAfterBytes = null;
        Assert.False(File.Exists(Path.Combine(RepoDirectory, "snapshots", _repo.Commit, _weights.Path)));
        Assert.True(File.Exists(Path.Combine(RepoDirectory, "snapshots", _repo.Commit, Folder, "genai_config.json")));
        return new FileInfo(Path.Combine(RepoDirectory, "blobs", _weights.Etag + ".incomplete")).Length;
    }

    private static HubDownloadRequest FolderRequest() => new() { RepoId = RepoId, Folder = Folder };

    private HuggingFaceDownloader Create(HubClientOptions? options = null)
    {
        options ??= new HubClientOptions();
        options.Endpoint ??= _hub.Endpoint;
        options.CacheDirectory = _cache.Path;
        options.RetryDelay = TimeSpan.FromMilliseconds(1);
        options.Timeout = TimeSpan.FromSeconds(10);
        options.MaxParallelDownloads = 1; // in listing order: genai_config.json and model.onnx are in the snapshot before the weights start
        options.EnvironmentReader = _ => null;
        return new HuggingFaceDownloader(options);
    }
}
