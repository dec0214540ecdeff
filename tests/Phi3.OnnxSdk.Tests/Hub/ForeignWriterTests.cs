using Phi3.OnnxSdk.Hub;

namespace Phi3.OnnxSdk.Tests.Hub;

/// <summary>
/// A second program writes the same partial blob without taking the lock (<see cref="UnlockedWriter"/>, as the
/// <c>@huggingface/hub</c> npm package does) while the SDK downloads it: the published blob must never hold wrong bytes,
/// and the SDK must end with a correct snapshot.
/// </summary>
public sealed class ForeignWriterTests : IAsyncLifetime, IDisposable
{
    private const string RepoId = "microsoft/Phi-3-shared-onnx";
    private const string Weights = "cpu/model.onnx.data";
    private const int Size = 2 << 20;
    private readonly FakeHub _hub = new();
    private readonly TempDirectory _cache = new();
    private readonly CapturingLogger _log = new();
    private readonly FakeHubFile _file;

    public ForeignWriterTests()
    {
        _file = _hub.AddRepo(RepoId).AddRandomFile(Weights, Size, seed: 31);

        // About half a second for the SDK's download.
        _file.TrickleAfterBytes = 0;
        _file.TrickleChunk = 16 * 1024;
        _file.TrickleDelay = TimeSpan.FromMilliseconds(2);
    }

    private string BlobsDirectory => Path.Combine(_cache.Path, "models--microsoft--Phi-3-shared-onnx", "blobs");

    private string Blob => Path.Combine(BlobsDirectory, _file.Etag);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    public void Dispose() => _cache.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task DownloadAsync_UnlockedWriterTruncatesThePartialFileAtSixtyPercent_NeverPublishesWrongBytes(int connections)
    {
        Task? other = null;
        using var downloader = Create(connections);
        using var watching = new CancellationTokenSource();
        var watcher = WatchBlobAsync(watching.Token);

        var snapshot = await downloader.DownloadAsync(Request(), new SyncProgress<DownloadProgress>(p =>
        {
            if (p.FileBytesDownloaded >= Size * 6 / 10 && other is null)
            {
                other = Task.Run(() => UnlockedWriter.WriteAsync(BlobsDirectory, _file.Etag, _file.Content, 64 * 1024, TimeSpan.FromMilliseconds(2)));
            }
        }));
        await other!;
        await watching.CancelAsync();

        Assert.Equal(0, await watcher);
        Assert.Equal(_file.Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        Assert.Equal(_file.Content, File.ReadAllBytes(Blob));
        Assert.Contains(_log.Messages, m => m.StartsWith("Warning: Another program is writing", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task DownloadAsync_UnlockedWriterStartedFirst_UsesTheBlobItFinishesInsteadOfFailing(int connections)
    {
        var other = Task.Run(() => UnlockedWriter.WriteAsync(BlobsDirectory, _file.Etag, _file.Content, 32 * 1024, TimeSpan.FromMilliseconds(4)));
        var incomplete = new FileInfo(Path.Combine(BlobsDirectory, _file.Etag + ".incomplete"));
        while (!other.IsCompleted && (!incomplete.Exists || incomplete.Length < Size / 3))
        {
            await Task.Delay(1);
            incomplete.Refresh();
        }

        using var downloader = Create(connections);
        var snapshot = await downloader.DownloadAsync(Request());
        await other;

        Assert.Equal(_file.Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        Assert.Equal(_file.Content, File.ReadAllBytes(Blob));
        Assert.Contains(_log.Messages, m => m.Contains("another program finished blob", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(BlobsDirectory, "*.incomplete"));
    }

    [Fact]
    public async Task DownloadAsync_UnlockedWriterTruncatesAndDies_TakesOverOnceItIsQuiet()
    {
        Task? other = null;
        using var downloader = Create(connections: 1, timeout: TimeSpan.FromMilliseconds(800));

        var snapshot = await downloader.DownloadAsync(Request(), new SyncProgress<DownloadProgress>(p =>
        {
            if (p.FileBytesDownloaded >= Size * 6 / 10 && other is null)
            {
                other = Task.Run(() => UnlockedWriter.WriteAsync(BlobsDirectory, _file.Etag, _file.Content, 64 * 1024, TimeSpan.FromMilliseconds(1), dieAfterBytes: Size / 10));
            }
        }));
        await other!;

        Assert.Equal(_file.Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        Assert.Contains(_log.Messages, m => m.Contains("has been quiet for", StringComparison.Ordinal));
    }

    /// <summary>Reads the published blob whenever it exists; returns how many times it held wrong bytes.</summary>
    private async Task<int> WatchBlobAsync(CancellationToken cancellationToken)
    {
        var wrong = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (File.Exists(Blob) && !File.ReadAllBytes(Blob).AsSpan().SequenceEqual(_file.Content))
                {
                    wrong++;
                }
            }
            catch (IOException)
            {
                // Renamed or replaced between the check and the read.
            }

            await Task.Delay(1, CancellationToken.None);
        }

        return wrong;
    }

    private static HubDownloadRequest Request() => new() { RepoId = RepoId, Files = [new HubFile(Weights)] };

    private HuggingFaceDownloader Create(int connections, TimeSpan? timeout = null) => new(new HubClientOptions
    {
        Endpoint = _hub.Endpoint,
        CacheDirectory = _cache.Path,
        RetryDelay = TimeSpan.FromMilliseconds(1),
        Timeout = timeout ?? TimeSpan.FromSeconds(5),
        ConnectionsPerFile = connections,
        RangeSize = 64 * 1024,
        FanOutBelowBytesPerSecond = long.MaxValue,
        ProgressInterval = TimeSpan.Zero,
        Logger = _log,
        EnvironmentReader = _ => null,
    });
}
