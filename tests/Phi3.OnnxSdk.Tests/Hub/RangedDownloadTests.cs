using System.Net.Http.Headers;
using System.Security.Cryptography;
using Phi3.OnnxSdk.Hub;

namespace Phi3.OnnxSdk.Tests.Hub;

/// <summary>
/// Downloads of a file large enough to be fetched in ranges on several connections (64 KiB ranges here, so that a
/// 1 MB file has sixteen), under each fault the one-connection path is tested against. Unless a test says otherwise, the
/// first connection is always joined by the others once it has received its first range.
/// </summary>
public sealed class RangedDownloadTests : IAsyncLifetime, IDisposable
{
    private const string RepoId = "microsoft/Phi-3-ranged-onnx";
    private const string Weights = "cpu/model.onnx.data";
    private const int RangeSize = 64 * 1024;
    private const int Size = (16 * RangeSize) - 1001;

    private readonly FakeHub _hub = new();
    private readonly TempDirectory _cache = new();
    private readonly CapturingLogger _log = new();
    private readonly FakeHubRepo _repo;
    private readonly FakeHubFile _file;
    private readonly List<DownloadProgress> _reports = [];

    public RangedDownloadTests()
    {
        _repo = _hub.AddRepo(RepoId);
        _file = _repo.AddRandomFile(Weights, Size, seed: 21);
    }

    private string BlobsDirectory => Path.Combine(_cache.Path, "models--microsoft--Phi-3-ranged-onnx", "blobs");

    private string Incomplete => Path.Combine(BlobsDirectory, _file.Etag + ".incomplete");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    public void Dispose() => _cache.Dispose();

    [Fact]
    public async Task DownloadAsync_LargeFile_FetchesEachRangeOnceOnSeveralConnectionsThroughOneRedirect()
    {
        Trickle();
        using var downloader = Create();

        var snapshot = await DownloadAsync(downloader);

        Assert.Equal(_file.Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));

        // The first connection asks for the first range; once it has shown its rate, the rest goes to the others.
        var ranges = CdnRanges();
        Assert.Equal((0, RangeSize - 1), ranges[0]);
        Assert.Equal(Enumerable.Range(0, 16).Select(i => ((long)i * RangeSize, Math.Min(((i + 1L) * RangeSize) - 1, Size - 1))), ranges.Order());
        Assert.True(_hub.MaxConcurrentBodies is >= 2 and <= 4, $"{_hub.MaxConcurrentBodies} bodies at once: {CdnTimeline()}");
        Assert.Equal(Size, _hub.BytesServed);

        // The hub is asked once; every range after the first goes straight to the CDN address it redirected to.
        Assert.Equal(1, _hub.Requests.Count(r => !r.Cdn && r.Method == "GET" && r.FilePath == Weights));
        Assert.Empty(Directory.GetFiles(BlobsDirectory, "*.incomplete"));
        AssertOneMonotoneBar();
    }

    [Fact]
    public async Task DownloadAsync_FirstConnectionFasterThanTheThreshold_KeepsTheWholeFile()
    {
        // The probe waits longer than the test takes: only the rate the first connection shows may split the file.
        using var downloader = Create(new HubClientOptions { FanOutBelowBytesPerSecond = 1_000_000, FanOutProbeTime = TimeSpan.FromMinutes(1) });

        var snapshot = await DownloadAsync(downloader);

        // One connection at a time, asking for spans of 1, 2, 4 and 8 ranges, then the rest.
        Assert.Equal(_file.Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        long[] ends = [RangeSize, 3 * RangeSize, 7 * RangeSize, 15 * RangeSize, Size];
        Assert.Equal(ends.Select((end, i) => (i == 0 ? 0 : ends[i - 1], end - 1)), CdnRanges());
        Assert.True(_hub.MaxConcurrentBodies == 1, $"{_hub.MaxConcurrentBodies} bodies at once: {CdnTimeline()}");
        Assert.Equal(Size, _hub.BytesServed);
    }

    [Fact]
    public async Task DownloadAsync_EveryConnectionCappedBelowTheThreshold_SplitsTheRestAmongTheOthers()
    {
        _hub.BytesPerSecondPerConnection = 4_000_000;
        using var downloader = Create(new HubClientOptions { FanOutBelowBytesPerSecond = 40_000_000 });

        var snapshot = await DownloadAsync(downloader);

        Assert.Equal(_file.Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        Assert.True(_hub.MaxConcurrentBodies is >= 2 and <= 4, $"{_hub.MaxConcurrentBodies} bodies at once: {CdnTimeline()}");
        Assert.Contains(_log.Messages, m => m.Contains($"Downloading {Weights} on 4 connections", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DownloadAsync_OneConnectionPerFile_SendsOneRequestWithoutRange()
    {
        using var downloader = Create(new HubClientOptions { ConnectionsPerFile = 1 });

        var snapshot = await DownloadAsync(downloader);

        Assert.Equal(_file.Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        Assert.Null(Assert.Single(_hub.Requests, r => r.Cdn && r.FilePath == Weights).Range);
    }

    [Fact]
    public async Task DownloadAsync_ConnectionDroppedMidRange_RetriesThatRangeFromItsLastByte()
    {
        Trickle();
        _file.DropAfterBytes = 10_000;
        using var downloader = Create();

        var snapshot = await DownloadAsync(downloader);

        Assert.Equal(_file.Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        Assert.Equal(Size, _hub.BytesServed);
        Assert.Contains(CdnRanges(), r => r.From % RangeSize == 10_000);
        AssertOneMonotoneBar();
    }

    [Fact]
    public async Task DownloadAsync_OneRangeCorrupted_FailsVerificationAndPublishesNothing()
    {
        _file.CorruptNextBody = true;
        using var downloader = Create();

        var ex = await Assert.ThrowsAsync<HubIntegrityException>(() => DownloadAsync(downloader));

        Assert.Equal(_file.Sha256, ex.Expected);
        Assert.NotEqual(_file.Sha256, ex.Actual);
        Assert.Empty(Directory.GetFiles(BlobsDirectory));
        Assert.False(File.Exists(Path.Combine(_cache.Path, "models--microsoft--Phi-3-ranged-onnx", "snapshots", _repo.Commit, Weights)));

        var again = await DownloadAsync(downloader);
        Assert.Equal(_file.Content, File.ReadAllBytes(again.LocalPaths[Weights]));
    }

    [Fact]
    public async Task DownloadAsync_TooManyRequestsOnSomeRanges_RetriesThemAndSucceeds()
    {
        Trickle();
        _file.CdnStatuses.Enqueue(429);
        _file.CdnStatuses.Enqueue(503);
        using var downloader = Create();

        var snapshot = await DownloadAsync(downloader);

        Assert.Equal(_file.Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        Assert.Equal(Size, _hub.BytesServed);
        Assert.Equal(2, _log.Messages.Count(m => m.Contains("): retry ", StringComparison.Ordinal)));
        AssertOneMonotoneBar();
    }

    [Fact]
    public async Task DownloadAsync_RangeIgnoredOnOneConnection_FinishesOnOneConnectionFromTheContiguousBytes()
    {
        Trickle();
        _file.IgnoreRangeStartingAt = 5 * RangeSize;
        using var downloader = Create();

        var snapshot = await DownloadAsync(downloader);

        Assert.Equal(_file.Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        Assert.Contains(_log.Messages, m => m.Contains("answered a range request with 200; fetching the rest on one connection", StringComparison.Ordinal));

        // One open-ended request for the rest, from the end of what was contiguous (before the ignored range).
        var last = CdnRanges()[^1];
        Assert.Equal(-1, last.To);
        Assert.InRange(last.From, RangeSize, 5 * RangeSize);
        AssertOneMonotoneBar();
    }

    [Fact]
    public async Task DownloadAsync_FirstRequestAnsweredWithTheWholeFile_ReadsItToTheEnd()
    {
        _file.IgnoreRangeRequests = 1;
        using var downloader = Create();

        var snapshot = await DownloadAsync(downloader);

        Assert.Equal(_file.Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        Assert.Equal([(0L, RangeSize - 1L)], CdnRanges());
        Assert.Equal(Size, _hub.BytesServed);
        AssertOneMonotoneBar();
    }

    [Fact]
    public async Task DownloadAsync_ServerIgnoresEveryRange_DownloadsTheWholeFileOnOneConnection()
    {
        _file.IgnoreRange = true;
        using var downloader = Create();

        var snapshot = await DownloadAsync(downloader);

        Assert.Equal(_file.Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        Assert.Contains(_log.Messages, m => m.Contains("fetching the rest on one connection", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DownloadAsync_OneRangeStalls_TimesOutAndRetriesItWhileTheOthersContinue()
    {
        Trickle();
        _file.StallAfterBytes = 20_000;
        using var downloader = Create(new HubClientOptions { Timeout = TimeSpan.FromMilliseconds(700) });

        var snapshot = await DownloadAsync(downloader);

        Assert.Equal(_file.Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        Assert.Contains(_log.Messages, m => m.Contains("No bytes of", StringComparison.Ordinal) && m.Contains("arrived for", StringComparison.Ordinal));
        Assert.Equal(Size, _hub.BytesServed);
        AssertOneMonotoneBar();
    }

    [Fact]
    public async Task DownloadAsync_HeadRangeHeldBack_OtherConnectionsStopAtTheWindow()
    {
        // Two connections: the window is 2 x 2 ranges past the first byte not yet written, so while the head range's body
        // is held the other connection fetches ranges 1 to 3, and asks for range 4 only once the head has arrived.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = _file.HoldBody(0, release.Task);
        using var downloader = Create(new HubClientOptions { ConnectionsPerFile = 2 });

        var download = DownloadAsync(downloader);
        await WaitUntilAsync(() => held.IsCompleted && _hub.BytesServed >= 3 * RangeSize, download, TimeSpan.FromSeconds(10));

        // A connection that ignored the window would ask for range 4 as soon as range 3 had arrived; one that keeps it
        // never does, so this wait only gives a wrong request the time to show and cannot fail a right download.
        await WaitUntilAsync(() => CdnRanges().Any(r => r.From >= 4 * RangeSize), download, TimeSpan.FromMilliseconds(500));
        var whileHeld = CdnRanges();
        var timeline = CdnTimeline();
        release.SetResult();
        var snapshot = await download;

        Assert.Equal(_file.Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        Assert.True(whileHeld.Order().SequenceEqual(Enumerable.Range(0, 4).Select(i => ((long)i * RangeSize, ((i + 1L) * RangeSize) - 1))), $"while the head was held: {timeline}");
        Assert.True(CdnRanges().Count == 16 && CdnRanges().Distinct().Count() == 16, CdnTimeline()); // the held head was not asked for again
    }

    [Fact]
    public async Task DownloadAsync_CancelledMidway_LeavesAContiguousPrefixThatTheNextCallResumes()
    {
        Trickle();
        var lastRange = HoldLastRange();
        using var cts = new CancellationTokenSource();
        using var downloader = Create();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => DownloadAsync(downloader, CancelAt(cts, Size / 2), cts.Token));
        lastRange.SetResult();

        var prefix = AssertContiguousPrefix();
        await _hub.WaitUntilNoBodyIsSentAsync(); // bytes the cancelled connections still wrote are not the resume's
        var served = _hub.BytesServed;
        var before = CdnRanges().Count;
        var snapshot = await DownloadAsync(downloader);

        Assert.Equal(_file.Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        Assert.Equal(Size - prefix, snapshot.BytesDownloaded);
        Assert.Equal(Size - prefix, _hub.BytesServed - served);
        Assert.Equal(prefix, CdnRanges().Skip(before).Min(r => r.From));
    }

    [Fact]
    public async Task DownloadAsync_CancelledMidway_PartialFileResumesTheWayHuggingFaceHubDoes()
    {
        Trickle();
        var lastRange = HoldLastRange();
        using var cts = new CancellationTokenSource();
        using (var downloader = Create())
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => DownloadAsync(downloader, CancelAt(cts, Size / 2), cts.Token));
        }

        lastRange.SetResult();

        // huggingface_hub's resume: GET the resolve address with "Range: bytes={length of .incomplete}-" and append.
        var prefix = AssertContiguousPrefix();
        using (var http = new HttpClient())
        using (var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_hub.Endpoint, $"/{RepoId}/resolve/main/{Weights}")))
        {
            request.Headers.Range = new RangeHeaderValue(prefix, null);
            using var response = await http.SendAsync(request);
            Assert.Equal(System.Net.HttpStatusCode.PartialContent, response.StatusCode);
            await using var output = new FileStream(Incomplete, FileMode.Append);
            await response.Content.CopyToAsync(output);
        }

        Assert.Equal(_file.Sha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Incomplete))));
    }

    [Theory]
    [InlineData(403, 4)]
    [InlineData(410, 4)]
    [InlineData(403, 1)]
    public async Task DownloadAsync_CdnAddressExpiresMidDownload_ResolvesItAgainThroughTheHub(int status, int connections)
    {
        Trickle();
        _hub.ExpiredAddressStatus = status;
        var expired = 0;
        if (connections == 1)
        {
            _file.DropAfterBytes = Size / 2; // the retry goes to the remembered CDN address, which has expired meanwhile
        }
        else
        {
            // The window lets the connections ask for every range before the writer reports a quarter of the file; while
            // range 1 is held, ranges 9 to 15 lie outside it, so they are asked for only after the addresses expired.
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _ = _file.HoldBody(RangeSize, release.Task).ContinueWith(
                _ =>
                {
                    Interlocked.Exchange(ref expired, 1); // before the writer can report a quarter: range 1 is not in yet
                    _hub.ExpireCdnAddresses();
                    release.SetResult();
                },
                TaskScheduler.Default);
        }

        using var downloader = Create(new HubClientOptions { ConnectionsPerFile = connections });

        var snapshot = await DownloadAsync(downloader, new SyncProgress<DownloadProgress>(p =>
        {
            if (p.FileBytesDownloaded >= Size / 4 && Interlocked.Exchange(ref expired, 1) == 0)
            {
                _hub.ExpireCdnAddresses();
            }
        }));

        Assert.Equal(_file.Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        Assert.InRange(_hub.ExpiredCdnRequests, 1, connections);
        Assert.InRange(_hub.Requests.Count(r => !r.Cdn && r.Method == "GET" && r.FilePath == Weights), 2, 1 + connections);
        Assert.Contains(_log.Messages, m => m.Contains($"expired ({status}); resolving it again through the hub", StringComparison.Ordinal));
        Assert.Equal(Size, _hub.BytesServed);
    }

    [Fact]
    public async Task DownloadAsync_CdnRefusesEvenAFreshAddress_FailsSayingSoInsteadOfLooping()
    {
        _file.CdnStatuses.Enqueue(403);
        _file.CdnStatuses.Enqueue(403);
        using var downloader = Create(new HubClientOptions { ConnectionsPerFile = 1 });

        var ex = await Assert.ThrowsAsync<HubException>(() => DownloadAsync(downloader));

        Assert.Contains("even with the fresh address", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, _hub.Requests.Count(r => r.Cdn && r.FilePath == Weights));
    }

    [Fact]
    public async Task DownloadAsync_RangedWithDirectIO_WritesAllButTheLastPartialBlockDirectly()
    {
        using var downloader = Create();

        var snapshot = await DownloadAsync(downloader);

        Assert.Equal(_file.Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        var message = _log.Messages.Single(m => m.Contains($"RepoPath={Weights};DirectBytes=", StringComparison.Ordinal));
        DirectIOAssert.DirectBytes(Size - (Size % DirectIO.Alignment), long.Parse(message.Split("DirectBytes=")[1].Split(';')[0], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static SyncProgress<DownloadProgress> CancelAt(CancellationTokenSource cts, long bytes) =>
        new(p =>
        {
            if (p.FileBytesDownloaded >= bytes)
            {
                cts.Cancel();
            }
        });

    /// <summary>
    /// Holds the last range's body until the returned source is set: the connections may receive every other range before
    /// the writer has written half the file (the window and the write stages hold half of it), and a download cancelled
    /// then would still have had every byte.
    /// </summary>
    private TaskCompletionSource HoldLastRange()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _file.HoldBody(15L * RangeSize, release.Task);
        return release;
    }

    /// <summary>Bodies arrive in 8 KiB pieces every millisecond or so, so that ranges overlap in time.</summary>
    private void Trickle()
    {
        _file.TrickleAfterBytes = 0;
        _file.TrickleChunk = 8 * 1024;
        _file.TrickleDelay = TimeSpan.FromMilliseconds(1);
    }

    private long AssertContiguousPrefix()
    {
        var partial = File.ReadAllBytes(Incomplete);
        Assert.InRange(partial.Length, 1, Size - 1);
        Assert.Equal(_file.Content.AsSpan(0, partial.Length).ToArray(), partial);
        return partial.Length;
    }

    private List<(long From, long To)> CdnRanges() =>
        [.. _hub.Requests.Where(r => r.Cdn && r.FilePath == Weights && r.Range is not null).Select(r =>
        {
            var parts = r.Range!["bytes=".Length..].Split('-');
            return (long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), parts[1].Length == 0 ? -1 : long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        })];

    /// <summary>Waits until <paramref name="condition"/> holds, <paramref name="download"/> ends (it is awaited then, for its exception) or <paramref name="limit"/> passes.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition, Task download, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!condition() && !download.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        if (download.IsCompleted)
        {
            await download;
        }
    }

    /// <summary>The CDN requests for the weights, each with its range and when it came (for failure messages).</summary>
    private string CdnTimeline() =>
        string.Join(", ", _hub.Requests.Where(r => r.Cdn && r.FilePath == Weights).Select(r => $"{r.Range ?? "whole"} at {r.At.TotalMilliseconds:F0} ms"));

    /// <summary>One progress bar: every report names the one file, and its byte count never goes back.</summary>
    private void AssertOneMonotoneBar()
    {
        List<DownloadProgress> reports;
        lock (_reports)
        {
            reports = [.. _reports];
        }

        Assert.NotEmpty(reports);
        Assert.All(reports, r => Assert.Equal(Weights, r.FilePath));
        Assert.Equal(reports.Select(r => r.FileBytesDownloaded).Order(), reports.Select(r => r.FileBytesDownloaded));
        Assert.Equal(reports.Select(r => r.TotalBytesDownloaded).Order(), reports.Select(r => r.TotalBytesDownloaded));
        Assert.Equal(Size, reports[^1].FileBytesDownloaded);
    }

    private Task<HubSnapshot> DownloadAsync(HuggingFaceDownloader downloader, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        downloader.DownloadAsync(
            new HubDownloadRequest { RepoId = RepoId, Files = [new HubFile(Weights)] },
            new SyncProgress<DownloadProgress>(p =>
            {
                lock (_reports)
                {
                    _reports.Add(p);
                }

                progress?.Report(p);
            }),
            cancellationToken);

    private HuggingFaceDownloader Create(HubClientOptions? options = null)
    {
        options ??= new HubClientOptions();
        options.Endpoint = _hub.Endpoint;
        options.CacheDirectory = _cache.Path;
        options.RetryDelay = TimeSpan.FromMilliseconds(1);
        options.Timeout ??= TimeSpan.FromSeconds(10);
        options.ConnectionsPerFile ??= 4;
        options.RangeSize = RangeSize;
        options.FanOutBelowBytesPerSecond ??= long.MaxValue;
        options.ProgressInterval = TimeSpan.Zero;
        options.Logger = _log;
        options.EnvironmentReader = _ => null;
        return new HuggingFaceDownloader(options);
    }
}
