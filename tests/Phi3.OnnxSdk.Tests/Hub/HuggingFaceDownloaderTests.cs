using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Phi3.OnnxSdk.Hub;

namespace Phi3.OnnxSdk.Tests.Hub;

public sealed class HuggingFaceDownloaderTests : IAsyncLifetime, IDisposable
{
    private const string RepoId = "microsoft/Phi-3-test-onnx";
    private const string Weights = "cpu/model.onnx.data";
    private const string Graph = "cpu/model.onnx";
    private const string Config = "cpu/genai_config.json";
    private readonly FakeHub _hub = new();
    private readonly TempDirectory _cache = new();
    private readonly CapturingLogger _log = new();
    private readonly FakeHubRepo _repo;

    public HuggingFaceDownloaderTests()
    {
        _repo = _hub.AddRepo(RepoId);
        _repo.AddRandomFile(Weights, 300_000, seed: 1);
        _repo.AddRandomFile(Graph, 120_000, seed: 2);
        _repo.AddRandomFile(Config, 900, lfs: false, seed: 3);
        _repo.AddRandomFile("other/readme.bin", 1000, seed: 4);
    }

    private string RepoDirectory => Path.Combine(_cache.Path, "models--microsoft--Phi-3-test-onnx");

    private string BlobsDirectory => Path.Combine(RepoDirectory, "blobs");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    public void Dispose() => _cache.Dispose();

    [Fact]
    public async Task DownloadAsync_CleanDownload_CreatesHuggingFaceCacheLayout()
    {
        using var downloader = Create();

        var snapshot = await downloader.DownloadAsync(Request(Weights, Graph, Config));

        Assert.Equal(_repo.Commit, snapshot.CommitHash);
        Assert.Equal(Path.Combine(RepoDirectory, "snapshots", _repo.Commit), snapshot.Directory);
        Assert.Equal(_repo.Commit, File.ReadAllText(Path.Combine(RepoDirectory, "refs", "main")));
        foreach (var path in new[] { Weights, Graph, Config })
        {
            var file = _repo.Files[path];
            var blob = Path.Combine(BlobsDirectory, file.Etag);
            var pointer = Path.Combine(snapshot.Directory, path);
            Assert.Equal(pointer, snapshot.LocalPaths[path]);
            Assert.Equal(file.Content, File.ReadAllBytes(blob));
            Assert.Equal(Path.GetRelativePath(Path.GetDirectoryName(pointer)!, blob), new FileInfo(pointer).LinkTarget);
            Assert.Equal(file.Content, File.ReadAllBytes(pointer));
            Assert.True(File.Exists(Path.Combine(_cache.Path, ".locks", "models--microsoft--Phi-3-test-onnx", file.Etag + ".lock")));
        }

        Assert.Empty(Directory.GetFiles(BlobsDirectory, "*.incomplete"));
        var total = 300_000 + 120_000 + 900;
        Assert.Equal(total, snapshot.BytesDownloaded);
        Assert.Equal(total, _hub.BytesServed);
        Assert.Contains(_hub.Requests, r => r.Cdn && r.FilePath == Weights && r.Method == "GET");
        Assert.Contains(_hub.Requests, r => !r.Cdn && r.FilePath == Weights && r.Method == "HEAD");
    }

    [Fact]
    public async Task DownloadAsync_ConnectionDroppedMidFile_ResumesWithRangeFetchingBarelyMoreThanTheFile()
    {
        _repo.Files[Weights].DropAfterBytes = 100_000;
        using var downloader = Create();

        var snapshot = await downloader.DownloadAsync(Request(Weights));

        Assert.Equal(_repo.Files[Weights].Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        var cdnGets = _hub.Requests.Where(r => r.Cdn && r.FilePath == Weights).ToList();
        Assert.Equal(2, cdnGets.Count);
        Assert.Null(cdnGets[0].Range);
        Assert.Equal("bytes=100000-", cdnGets[1].Range);
        Assert.Equal(300_000, _hub.BytesServed);
    }

    [Fact]
    public async Task DownloadAsync_WrongBytesServed_ThrowsWithBothHashesAndLeavesNothingCached()
    {
        var file = _repo.Files[Weights];
        file.ServeWrongBytes = true;
        var zerosHash = Convert.ToHexStringLower(SHA256.HashData(new byte[file.Content.Length]));
        using var downloader = Create();

        var ex = await Assert.ThrowsAsync<HubIntegrityException>(() => downloader.DownloadAsync(Request(Weights)));

        Assert.Contains(file.Sha256, ex.Message, StringComparison.Ordinal);
        Assert.Contains(zerosHash, ex.Message, StringComparison.Ordinal);
        Assert.Equal(file.Sha256, ex.Expected);
        Assert.Equal(zerosHash, ex.Actual);
        Assert.False(File.Exists(Path.Combine(RepoDirectory, "snapshots", _repo.Commit, Weights)));
        Assert.Empty(Directory.GetFiles(BlobsDirectory));
    }

    [Fact]
    public async Task DownloadAsync_ListedNonLfsFileWithWrongBytes_FailsTheGitBlobCheck()
    {
        var file = _repo.Files[Config];
        file.ServeWrongBytes = true;
        using var downloader = Create();

        var ex = await Assert.ThrowsAsync<HubIntegrityException>(() => downloader.DownloadAsync(new HubDownloadRequest { RepoId = RepoId, Folder = "cpu" }));

        Assert.Contains("git-sha1", ex.Message, StringComparison.Ordinal);
        Assert.Contains(file.GitObjectId, ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(RepoDirectory, "snapshots", _repo.Commit, Config)));
    }

    [Fact]
    public async Task DownloadAsync_TooManyRequestsThenSuccess_RetriesAndSucceeds()
    {
        var file = _repo.Files[Weights];
        file.ResolveStatuses.Enqueue(429);
        file.CdnStatuses.Enqueue(429);
        file.CdnStatuses.Enqueue(503);
        using var downloader = Create();

        var snapshot = await downloader.DownloadAsync(Request(Weights));

        Assert.Equal(file.Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        Assert.Equal(2, _hub.Requests.Count(r => r.Method == "HEAD" && r.FilePath == Weights));
        Assert.Equal(3, _hub.Requests.Count(r => r.Cdn && r.FilePath == Weights));
        Assert.Contains(_log.Messages, m => m.Contains("retry 1 of", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DownloadAsync_ServerErrorsBeyondRetries_ThrowsHubExceptionWithStatus()
    {
        for (var i = 0; i < 3; i++)
        {
            _repo.Files[Weights].CdnStatuses.Enqueue(500);
        }

        using var downloader = Create(new HubClientOptions { MaxRetries = 2 });

        var ex = await Assert.ThrowsAsync<HubException>(() => downloader.DownloadAsync(Request(Weights)));

        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Equal(3, _hub.Requests.Count(r => r.Cdn && r.FilePath == Weights));
        Assert.False(File.Exists(Path.Combine(RepoDirectory, "snapshots", _repo.Commit, Weights)));
    }

    [Fact]
    public async Task DownloadAsync_Unauthorized_ThrowsAuthenticationErrorWithoutRetry()
    {
        _repo.RequiredToken = "hf_right";
        using var downloader = Create();

        var ex = await Assert.ThrowsAsync<HubAuthenticationException>(() => downloader.DownloadAsync(Request(Weights)));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Contains("HF_TOKEN", ex.Message, StringComparison.Ordinal);
        Assert.Contains(RepoId, ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, _hub.CountRequests(Weights));
    }

    [Fact]
    public async Task DownloadAsync_WrongToken_SaysTheTokenWasRejectedWithoutShowingIt()
    {
        _repo.RequiredToken = "hf_right";
        using var downloader = Create(new HubClientOptions { Token = "hf_wrong_secret" });

        var ex = await Assert.ThrowsAsync<HubAuthenticationException>(() => downloader.DownloadAsync(Request(Weights)));

        Assert.Contains("rejected the token", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hf_wrong_secret", ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_log.Messages, m => m.Contains("hf_wrong_secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DownloadAsync_GatedRepository_ThrowsNamingTheRepositoryPage()
    {
        _repo.Gated = true;
        using var downloader = Create(new HubClientOptions { Token = "hf_any" });

        var ex = await Assert.ThrowsAsync<HubAuthenticationException>(() => downloader.DownloadAsync(Request(Weights)));

        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.Contains("gated", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"{_hub.Endpoint.AbsoluteUri.TrimEnd('/')}/{RepoId}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, _hub.CountRequests(Weights));
    }

    [Fact]
    public async Task DownloadAsync_UnknownFile_ThrowsNotFoundWithoutRetry()
    {
        using var downloader = Create();

        var ex = await Assert.ThrowsAsync<HubNotFoundException>(() => downloader.DownloadAsync(Request("cpu/missing.onnx")));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Contains("cpu/missing.onnx", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, _hub.CountRequests("cpu/missing.onnx"));
    }

    [Fact]
    public async Task DownloadAsync_UnknownRevision_ThrowsNotFoundNamingTheRevision()
    {
        using var downloader = Create();

        var ex = await Assert.ThrowsAsync<HubNotFoundException>(() => downloader.DownloadAsync(Request(Weights) with { Revision = "no-such-branch" }));

        Assert.Contains("'no-such-branch'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DownloadAsync_ServerAnswers200ToRange_RestartsFromZero()
    {
        var file = _repo.Files[Weights];
        file.IgnoreRange = true;
        Directory.CreateDirectory(BlobsDirectory);
        await File.WriteAllBytesAsync(Path.Combine(BlobsDirectory, file.Etag + ".incomplete"), file.Content[..50_000]);
        using var downloader = Create();

        var snapshot = await downloader.DownloadAsync(Request(Weights));

        Assert.Equal(file.Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        Assert.Equal("bytes=50000-", _hub.Requests.Single(r => r.Cdn && r.FilePath == Weights).Range);
        Assert.Equal(file.Content.Length, _hub.BytesServed);
        Assert.Contains(_log.Messages, m => m.Contains("ignored the range request", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DownloadAsync_SlowTrickleCancelled_LeavesPartialThatTheNextCallResumes()
    {
        var file = _repo.Files[Weights];
        file.TrickleAfterBytes = 64 * 1024;
        file.TrickleChunk = 1024;
        file.TrickleDelay = TimeSpan.FromMilliseconds(10);
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress<DownloadProgress>(p =>
        {
            if (p.FileBytesDownloaded >= 64 * 1024)
            {
                cts.Cancel();
            }
        });
        using var downloader = Create();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => downloader.DownloadAsync(Request(Weights), progress, cts.Token));

        var incomplete = new FileInfo(Path.Combine(BlobsDirectory, file.Etag + ".incomplete"));
        Assert.True(incomplete.Exists);
        var partial = incomplete.Length;
        Assert.InRange(partial, 64 * 1024, file.Content.Length - 1);
        Assert.Equal(file.Content.AsSpan(0, (int)partial).ToArray(), File.ReadAllBytes(incomplete.FullName));
        Assert.False(File.Exists(Path.Combine(RepoDirectory, "snapshots", _repo.Commit, Weights)));

        file.TrickleAfterBytes = null;
        var snapshot = await downloader.DownloadAsync(Request(Weights));

        Assert.Equal(file.Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        Assert.Equal($"bytes={partial}-", _hub.Requests.Last(r => r.Cdn && r.FilePath == Weights).Range);
        Assert.Equal(file.Content.Length - partial, snapshot.BytesDownloaded);
    }

    [Fact]
    public async Task DownloadAsync_TwoConcurrentDownloadsOfSameFile_FetchItOnceAndBothSucceed()
    {
        var file = _repo.Files[Weights];
        file.TrickleAfterBytes = 200_000;
        file.TrickleChunk = 20_000;
        file.TrickleDelay = TimeSpan.FromMilliseconds(10);
        using var first = Create();
        using var second = Create();

        var results = await Task.WhenAll(
            first.DownloadAsync(Request(Weights)),
            second.DownloadAsync(Request(Weights)),
            first.DownloadAsync(Request(Weights)));

        Assert.All(results, r => Assert.Equal(file.Content, File.ReadAllBytes(r.LocalPaths[Weights])));
        Assert.Equal(1, _hub.Requests.Count(r => r.Cdn && r.FilePath == Weights));
        Assert.Equal(file.Content.Length, _hub.BytesServed);
        Assert.Equal(file.Content.Length, results.Sum(r => r.BytesDownloaded));
    }

    [Theory]
    [InlineData("cpu/../../../escaped.bin")]
    [InlineData("/etc/escaped.bin")]
    [InlineData("C:/escaped.bin")]
    public async Task DownloadAsync_ListingWithEscapingPath_RejectsBeforeAnyDownload(string evil)
    {
        _repo.ExtraListedPaths.Add(evil);
        using var downloader = Create();

        var ex = await Assert.ThrowsAsync<HubException>(() => downloader.DownloadAsync(new HubDownloadRequest { RepoId = RepoId, Folder = "cpu" }));

        Assert.Contains(evil, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_hub.Requests, r => r.Method == "GET" && r.FilePath is not null);
        Assert.False(Directory.Exists(RepoDirectory));
    }

    [Fact]
    public async Task DownloadAsync_RequestWithEscapingPath_ThrowsArgumentException()
    {
        using var downloader = Create();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => downloader.DownloadAsync(Request("../../outside")));

        Assert.Contains("../../outside", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_hub.Requests);
    }

    [Fact]
    public async Task DownloadAsync_OfflineWithCachedCopy_ReturnsTheCacheWithoutAnyRequest()
    {
        using (var online = Create())
        {
            await online.DownloadAsync(Request(Weights, Config));
        }

        var requests = _hub.Requests.Count;
        using var offline = Create(new HubClientOptions { Endpoint = new Uri("http://127.0.0.1:9") }, env: new() { ["HF_HUB_OFFLINE"] = "1" });

        var snapshot = await offline.DownloadAsync(Request(Weights, Config));

        Assert.True(offline.IsOffline);
        Assert.Equal(_repo.Commit, snapshot.CommitHash);
        Assert.Equal(_repo.Files[Weights].Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        Assert.Equal(0, snapshot.BytesDownloaded);
        Assert.Equal(requests, _hub.Requests.Count);
    }

    [Fact]
    public async Task DownloadAsync_OfflineWithoutCachedCopy_ThrowsNamingWhatIsMissing()
    {
        using var offline = Create(new HubClientOptions { Offline = true });

        var noRevision = await Assert.ThrowsAsync<HubOfflineException>(() => offline.DownloadAsync(Request(Weights)));
        Assert.Contains($"{RepoId}@main", noRevision.Message, StringComparison.Ordinal);

        using (var online = Create())
        {
            await online.DownloadAsync(Request(Config));
        }

        var noFile = await Assert.ThrowsAsync<HubOfflineException>(() => offline.DownloadAsync(Request(Weights, Config)));
        Assert.Equal([Weights], noFile.MissingFiles);
        Assert.Contains(Weights, noFile.Message, StringComparison.Ordinal);
        Assert.Contains("HF_HUB_OFFLINE", noFile.Message, StringComparison.Ordinal);
        Assert.Equal(0, _hub.CountRequests(Weights));
    }

    [Fact]
    public async Task DownloadAsync_CachedModel_SecondDownloadMakesNoGetForTheWeights()
    {
        using var downloader = Create();
        await downloader.DownloadAsync(Request(Weights, Graph, Config));
        var gets = _hub.CountGets(Weights);
        var served = _hub.BytesServed;

        using var again = Create();
        var snapshot = await again.DownloadAsync(Request(Weights, Graph, Config));

        Assert.Equal(gets, _hub.CountGets(Weights));
        Assert.Equal(served, _hub.BytesServed);
        Assert.Equal(0, snapshot.BytesDownloaded);
        Assert.Equal(_repo.Files[Weights].Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
    }

    [Fact]
    public async Task DownloadAsync_FolderWithPaginatedListing_DownloadsEveryFileOfTheFolderOnly()
    {
        _hub.ListingPageSize = 2;
        _repo.AddRandomFile("cpu/sub/tokenizer.json", 700, lfs: false, seed: 5);
        using var downloader = Create();

        var snapshot = await downloader.DownloadAsync(new HubDownloadRequest { RepoId = RepoId, Folder = "cpu" });

        Assert.Equal(
            new[] { Config, Graph, Weights, "cpu/sub/tokenizer.json" }.Order(StringComparer.Ordinal),
            snapshot.LocalPaths.Keys.Order(StringComparer.Ordinal));
        Assert.True(_hub.Requests.Count(r => r.Target.Contains("/tree/", StringComparison.Ordinal)) >= 3);
        Assert.Equal(0, _hub.CountRequests("other/readme.bin"));
        Assert.Equal(_repo.Files["cpu/sub/tokenizer.json"].Content, File.ReadAllBytes(snapshot.LocalPaths["cpu/sub/tokenizer.json"]));
    }

    [Fact]
    public async Task DownloadAsync_ExpectedShaDiffersFromTheHub_ThrowsBeforeDownloading()
    {
        var stale = new string('a', 64);
        using var downloader = Create();

        var ex = await Assert.ThrowsAsync<HubIntegrityException>(() =>
            downloader.DownloadAsync(new HubDownloadRequest { RepoId = RepoId, Files = [new HubFile(Weights) { Sha256 = stale }] }));

        Assert.Contains(stale, ex.Message, StringComparison.Ordinal);
        Assert.Contains(_repo.Files[Weights].Sha256, ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, _hub.CountGets(Weights));
    }

    [Fact]
    public async Task DownloadAsync_NotEnoughDiskSpace_ThrowsBeforeAnyGet()
    {
        using var downloader = Create(new HubClientOptions { FreeSpaceProbe = _ => 1000 });

        var ex = await Assert.ThrowsAsync<InsufficientDiskSpaceException>(() => downloader.DownloadAsync(Request(Weights, Config)));

        Assert.Equal(300_900, ex.RequiredBytes);
        Assert.Equal(1000, ex.AvailableBytes);
        Assert.Contains(_cache.Path, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_hub.Requests, r => r.Method == "GET");
    }

    [Fact]
    public async Task DownloadAsync_WithProgress_ReportsPerFileAndTotalBytesRateAndEta()
    {
        var reports = new List<DownloadProgress>();
        var progress = new SyncProgress<DownloadProgress>(p =>
        {
            lock (reports)
            {
                reports.Add(p);
            }
        });
        _repo.Files[Weights].TrickleAfterBytes = 100_000;
        _repo.Files[Weights].TrickleChunk = 50_000;
        _repo.Files[Weights].TrickleDelay = TimeSpan.FromMilliseconds(5);
        using var downloader = Create(new HubClientOptions { ProgressInterval = TimeSpan.Zero });

        await downloader.DownloadAsync(Request(Weights, Graph), progress);

        var last = reports[^1];
        Assert.Equal(420_000, last.TotalBytes);
        Assert.Equal(420_000, last.TotalBytesDownloaded);
        Assert.Equal(2, last.FilesCompleted);
        Assert.Equal(2, last.FileCount);
        Assert.Equal(TimeSpan.Zero, last.EstimatedTimeRemaining);
        Assert.Contains(reports, p => p.FilePath == Weights && p.FileBytesDownloaded > 0 && p.FileBytesDownloaded < p.FileTotalBytes);
        Assert.Contains(reports, p => p.FilePath == Weights && p.FileBytesDownloaded == 300_000 && p.FileTotalBytes == 300_000);
        Assert.Contains(reports, p => p.FilePath == Graph && p.FileBytesDownloaded == 120_000);
        Assert.Contains(reports, p => p.BytesPerSecond > 0 && p.EstimatedTimeRemaining > TimeSpan.Zero);
        Assert.Equal(reports.Select(p => p.TotalBytesDownloaded).Order(), reports.Select(p => p.TotalBytesDownloaded));
    }

    [Fact]
    public async Task DownloadAsync_WithToken_SendsItToTheHubOnlyAndNeverLogsIt()
    {
        const string token = "hf_TopSecretToken123";
        _repo.RequiredToken = token;
        _repo.Files[Weights].CdnStatuses.Enqueue(503);
        using var downloader = Create(new HubClientOptions { Token = token });

        await downloader.DownloadAsync(Request(Weights, Config));

        Assert.All(_hub.Requests.Where(r => !r.Cdn), r => Assert.Equal($"Bearer {token}", r.Authorization));
        Assert.All(_hub.Requests.Where(r => r.Cdn), r => Assert.Null(r.Authorization));
        Assert.NotEmpty(_log.Messages);
        Assert.DoesNotContain(_log.Messages, m => m.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DownloadAsync_ManyFiles_DownloadsInParallelUpToTheBound()
    {
        for (var i = 0; i < 6; i++)
        {
            var file = _repo.AddRandomFile($"many/part{i}.bin", 40_000, seed: 10 + i);
            file.TrickleAfterBytes = 0;
            file.TrickleChunk = 10_000;
            file.TrickleDelay = TimeSpan.FromMilliseconds(15);
        }

        using var downloader = Create(new HubClientOptions { MaxParallelDownloads = 2 });

        var snapshot = await downloader.DownloadAsync(new HubDownloadRequest { RepoId = RepoId, Folder = "many" });

        Assert.Equal(6, snapshot.LocalPaths.Count);
        Assert.Equal(2, _hub.MaxConcurrentBodies);
    }

    [Fact]
    public async Task DownloadAsync_SymbolicLinksOff_SnapshotHoldsRegularCopiesOfTheBlobs()
    {
        using var downloader = Create(new HubClientOptions { UseSymbolicLinks = false });

        var snapshot = await downloader.DownloadAsync(Request(Weights, Graph, Config));

        foreach (var path in new[] { Weights, Graph, Config })
        {
            var file = _repo.Files[path];
            var pointer = new FileInfo(snapshot.LocalPaths[path]);
            Assert.Null(pointer.LinkTarget);
            Assert.False(pointer.Attributes.HasFlag(FileAttributes.ReparsePoint));
            Assert.Equal(file.Content, File.ReadAllBytes(pointer.FullName));
            Assert.Equal(file.Content, File.ReadAllBytes(Path.Combine(BlobsDirectory, file.Etag)));
        }

        Assert.Empty(Directory.GetFiles(snapshot.Directory, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task DownloadAsync_SymbolicLinksOffAndCached_SecondDownloadMakesNoGetForTheWeights()
    {
        var options = new HubClientOptions { UseSymbolicLinks = false };
        using (var downloader = Create(options))
        {
            await downloader.DownloadAsync(Request(Weights, Config));
        }

        var gets = _hub.CountGets(Weights);
        var served = _hub.BytesServed;
        using var again = Create(new HubClientOptions { UseSymbolicLinks = false });

        var snapshot = await again.DownloadAsync(Request(Weights, Config));

        Assert.Equal(gets, _hub.CountGets(Weights));
        Assert.Equal(served, _hub.BytesServed);
        Assert.Equal(0, snapshot.BytesDownloaded);
        Assert.Null(new FileInfo(snapshot.LocalPaths[Weights]).LinkTarget);
        Assert.Equal(_repo.Files[Weights].Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
    }

    [Fact]
    public async Task DownloadAsync_OfflineAfterCopyingDownload_ReturnsTheCopiedSnapshot()
    {
        string copied;
        using (var online = Create(new HubClientOptions { UseSymbolicLinks = false }))
        {
            copied = (await online.DownloadAsync(Request(Weights, Config))).LocalPaths[Weights];
        }

        var requests = _hub.Requests.Count;
        using var offline = Create(new HubClientOptions { Offline = true, Endpoint = FakeHub.ClosedEndpoint() });

        var snapshot = await offline.DownloadAsync(Request(Weights, Config) with { Files = [new HubFile(Weights) { Size = 300_000 }, new HubFile(Config)] });

        Assert.Equal(copied, snapshot.LocalPaths[Weights]);
        Assert.Null(new FileInfo(snapshot.LocalPaths[Weights]).LinkTarget);
        Assert.Equal(_repo.Files[Weights].Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        Assert.Equal(_repo.Files[Config].Content, File.ReadAllBytes(snapshot.LocalPaths[Config]));
        Assert.Equal(requests, _hub.Requests.Count);
    }

    [Fact]
    public async Task DownloadAsync_SnapshotCopyOfWrongSize_IsReplacedWithoutDownloading()
    {
        using var downloader = Create(new HubClientOptions { UseSymbolicLinks = false });
        var pointer = (await downloader.DownloadAsync(Request(Weights))).LocalPaths[Weights];
        await File.WriteAllBytesAsync(pointer, new byte[1234]);
        var gets = _hub.CountGets(Weights);

        var snapshot = await downloader.DownloadAsync(Request(Weights));

        Assert.Equal(pointer, snapshot.LocalPaths[Weights]);
        Assert.Null(new FileInfo(pointer).LinkTarget);
        Assert.Equal(_repo.Files[Weights].Content, File.ReadAllBytes(pointer));
        Assert.Equal(gets, _hub.CountGets(Weights));
        Assert.Equal(0, snapshot.BytesDownloaded);
    }

    [Fact]
    public async Task DownloadAsync_SymbolicLinksOffAfterLinkingDownload_ReplacesTheLinksWithCopies()
    {
        using (var linking = Create())
        {
            var linked = await linking.DownloadAsync(Request(Weights));
            Assert.NotNull(new FileInfo(linked.LocalPaths[Weights]).LinkTarget);
        }

        using var copying = Create(new HubClientOptions { UseSymbolicLinks = false });
        var snapshot = await copying.DownloadAsync(Request(Weights));

        Assert.Null(new FileInfo(snapshot.LocalPaths[Weights]).LinkTarget);
        Assert.Equal(_repo.Files[Weights].Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        Assert.Equal(1, _hub.Requests.Count(r => r.Cdn && r.FilePath == Weights));
    }

    [Fact]
    public async Task DownloadAsync_OperatingSystemRefusesLinks_CopiesAndLogsWhy()
    {
        var attempts = 0;
        var options = new HubClientOptions
        {
            SymbolicLinkFactory = (_, _) =>
            {
                Interlocked.Increment(ref attempts);
                throw new IOException("Operation not permitted");
            },
        };
        using var downloader = Create(options);

        var snapshot = await downloader.DownloadAsync(Request(Weights, Config));

        Assert.Equal(2, attempts);
        Assert.All(snapshot.LocalPaths.Values, p => Assert.Null(new FileInfo(p).LinkTarget));
        Assert.Equal(_repo.Files[Weights].Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        Assert.Contains(_log.Messages, m => m.Contains("Operation not permitted", StringComparison.Ordinal) && m.Contains(Weights, StringComparison.Ordinal));

        // The copies are kept on the next call: no new link attempt, no new download.
        var again = await downloader.DownloadAsync(Request(Weights, Config));
        Assert.Equal(2, attempts);
        Assert.Equal(0, again.BytesDownloaded);
    }

    [Fact]
    public async Task DownloadAsync_SymbolicLinksOffAndNotEnoughSpaceForTheCopies_ThrowsCountingThem()
    {
        using var downloader = Create(new HubClientOptions { UseSymbolicLinks = false, FreeSpaceProbe = _ => 400_000 });

        var ex = await Assert.ThrowsAsync<InsufficientDiskSpaceException>(() => downloader.DownloadAsync(Request(Weights)));

        Assert.Equal(600_000, ex.RequiredBytes);
        Assert.DoesNotContain(_hub.Requests, r => r.Method == "GET");
    }

    [Fact]
    public async Task DownloadAsync_HubUnreachableWithCachedSnapshot_ReturnsItAndWarnsNamingTheEndpointAndCause()
    {
        HubSnapshot cached;
        using (var online = Create())
        {
            cached = await online.DownloadAsync(Request(Weights, Config));
        }

        var closed = FakeHub.ClosedEndpoint();
        using var downloader = Create(new HubClientOptions { Endpoint = closed, MaxRetries = 0 });

        var snapshot = await downloader.DownloadAsync(Request(Weights, Config));

        Assert.Equal(cached.Directory, snapshot.Directory);
        Assert.Equal(_repo.Commit, snapshot.CommitHash);
        Assert.Equal(cached.LocalPaths, snapshot.LocalPaths);
        Assert.Equal(0, snapshot.BytesDownloaded);
        var warning = Assert.Single(_log.Messages, m => m.StartsWith("Warning:", StringComparison.Ordinal) && m.Contains("could not be reached", StringComparison.Ordinal));
        Assert.Contains(closed.ToString(), warning, StringComparison.Ordinal);
        Assert.Contains("refused", warning, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(_repo.Commit, warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DownloadAsync_BlobDeletedBehindItsSnapshotLink_DownloadsItAgain()
    {
        using (var first = Create())
        {
            await first.DownloadAsync(Request(Weights, Config));
        }

        // A blob pruned by hand (or deleted as corrupt) leaves a dangling link in the snapshot.
        File.Delete(Path.Combine(RepoDirectory, "blobs", _repo.Files[Weights].Sha256));
        using var downloader = Create();

        var snapshot = await downloader.DownloadAsync(Request(Weights, Config));

        Assert.Equal(_repo.Files[Weights].Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        Assert.Equal(_repo.Files[Weights].Content.Length, snapshot.BytesDownloaded);
    }

    [Fact]
    public async Task DownloadAsync_HubRefusesWithCachedSnapshot_FallsBackAtOnceWithoutRetrying()
    {
        using (var online = Create())
        {
            await online.DownloadAsync(Request(Weights, Config));
        }

        // Five retries from a 10 s delay would take over five minutes: the cached copy must be used without them.
        using var downloader = Create(new HubClientOptions { Endpoint = FakeHub.ClosedEndpoint(), MaxRetries = 5, RetryDelay = TimeSpan.FromSeconds(10) });

        var snapshot = await downloader.DownloadAsync(Request(Weights, Config)).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(_repo.Commit, snapshot.CommitHash);
        Assert.Contains(_log.Messages, m => m.StartsWith("Warning:", StringComparison.Ordinal) && m.Contains("could not be reached", StringComparison.Ordinal));
        Assert.DoesNotContain(_log.Messages, m => m.Contains(": retry ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DownloadAsync_HubRefusesWithNothingCached_RetriesBeforeFailing()
    {
        using var downloader = Create(new HubClientOptions { Endpoint = FakeHub.ClosedEndpoint(), MaxRetries = 2, RetryDelay = TimeSpan.FromMilliseconds(1) });

        var ex = await Assert.ThrowsAsync<HubException>(() => downloader.DownloadAsync(Request(Weights)));

        Assert.Contains("nothing usable is cached", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, _log.Messages.Count(m => m.Contains(": retry ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task DownloadAsync_HubTimesOutWithCachedCommit_ReturnsThatSnapshotAfterTheRetries()
    {
        using (var online = Create())
        {
            await online.DownloadAsync(Request(Weights));
        }

        File.Delete(Path.Combine(RepoDirectory, "refs", "main"));
        _hub.Unresponsive = true;
        using var downloader = Create(new HubClientOptions { MaxRetries = 1, Timeout = TimeSpan.FromMilliseconds(200) });

        var snapshot = await downloader.DownloadAsync(Request(Weights) with { Revision = _repo.Commit });

        Assert.Equal(_repo.Commit, snapshot.CommitHash);
        Assert.Equal(_repo.Files[Weights].Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        Assert.Equal(2, _hub.Requests.Count(r => r.Method == "HEAD" && r.Target.Contains(Weights, StringComparison.Ordinal) && r.FilePath is null));
        Assert.Contains(_log.Messages, m => m.StartsWith("Warning:", StringComparison.Ordinal) && m.Contains("did not answer within", StringComparison.Ordinal) && m.Contains(_hub.Endpoint.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task DownloadAsync_HubUnreachableWithCachedFolder_ReturnsTheCachedFolder()
    {
        using (var online = Create())
        {
            await online.DownloadAsync(new HubDownloadRequest { RepoId = RepoId, Folder = "cpu" });
        }

        using var downloader = Create(new HubClientOptions { Endpoint = FakeHub.ClosedEndpoint(), MaxRetries = 0 });

        var snapshot = await downloader.DownloadAsync(new HubDownloadRequest { RepoId = RepoId, Folder = "cpu" });

        Assert.Equal(new[] { Config, Graph, Weights }.Order(StringComparer.Ordinal), snapshot.LocalPaths.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(_repo.Files[Graph].Content, File.ReadAllBytes(snapshot.LocalPaths[Graph]));
        Assert.Contains(_log.Messages, m => m.StartsWith("Warning:", StringComparison.Ordinal) && m.Contains("could not be reached", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DownloadAsync_HubAnswers503BeyondRetriesWithCachedSnapshot_FallsBackToIt()
    {
        using (var online = Create())
        {
            await online.DownloadAsync(Request(Weights));
        }

        for (var i = 0; i < 3; i++)
        {
            _repo.Files[Weights].ResolveStatuses.Enqueue(503);
        }

        var heads = _hub.Requests.Count(r => r.Method == "HEAD" && r.FilePath == Weights);
        using var downloader = Create(new HubClientOptions { MaxRetries = 2 });

        var snapshot = await downloader.DownloadAsync(Request(Weights));

        Assert.Equal(_repo.Files[Weights].Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        Assert.Equal(heads + 3, _hub.Requests.Count(r => r.Method == "HEAD" && r.FilePath == Weights));
        Assert.Contains(_log.Messages, m => m.StartsWith("Warning:", StringComparison.Ordinal) && m.Contains("503", StringComparison.Ordinal) && m.Contains("cached snapshot", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DownloadAsync_HubUnreachableWithEmptyCache_ThrowsSayingNothingUsableIsCached()
    {
        var closed = FakeHub.ClosedEndpoint();
        using var downloader = Create(new HubClientOptions { Endpoint = closed, MaxRetries = 0 });

        var ex = await Assert.ThrowsAsync<HubException>(() => downloader.DownloadAsync(Request(Weights)));

        Assert.Contains($"The hub {closed} could not be reached", ex.Message, StringComparison.Ordinal);
        Assert.Contains("nothing usable is cached", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"{RepoId}@main", ex.Message, StringComparison.Ordinal);
        Assert.IsType<HubException>(ex.InnerException);
        Assert.DoesNotContain(_log.Messages, m => m.Contains("cached snapshot", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DownloadAsync_HubUnreachableWithIncompleteSnapshot_ThrowsNamingTheMissingFile()
    {
        using (var online = Create())
        {
            await online.DownloadAsync(Request(Config));
        }

        using var downloader = Create(new HubClientOptions { Endpoint = FakeHub.ClosedEndpoint(), MaxRetries = 0 });

        var ex = await Assert.ThrowsAsync<HubException>(() => downloader.DownloadAsync(Request(Weights, Config)));

        Assert.Contains("could not be reached", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"lacks {Weights}", ex.Message, StringComparison.Ordinal);
        Assert.Contains(_repo.Commit, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DownloadAsync_UnauthorizedWithCachedSnapshot_StillThrows()
    {
        using (var online = Create())
        {
            await online.DownloadAsync(Request(Weights));
        }

        _repo.RequiredToken = "hf_right";
        using var downloader = Create();

        var ex = await Assert.ThrowsAsync<HubAuthenticationException>(() => downloader.DownloadAsync(Request(Weights)));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.DoesNotContain(_log.Messages, m => m.Contains("cached snapshot", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DownloadAsync_FileGoneFromTheHubWithCachedSnapshot_StillThrowsNotFound()
    {
        using (var online = Create())
        {
            await online.DownloadAsync(Request(Weights));
        }

        _repo.Files.Remove(Weights);
        using var downloader = Create();

        await Assert.ThrowsAsync<HubNotFoundException>(() => downloader.DownloadAsync(Request(Weights)));
    }

    [Fact]
    public async Task DownloadAsync_VerifyCachedFilesAndZeroedBlob_DownloadsItAgainAndWarns()
    {
        var file = _repo.Files[Weights];
        using (var online = Create())
        {
            await online.DownloadAsync(Request(Weights, Config));
        }

        var blob = Path.Combine(BlobsDirectory, file.Etag);
        await File.WriteAllBytesAsync(blob, new byte[file.Content.Length]);
        var zerosHash = Convert.ToHexStringLower(SHA256.HashData(new byte[file.Content.Length]));
        var gets = _hub.Requests.Count(r => r.Cdn && r.FilePath == Weights);
        using var verifying = Create(new HubClientOptions { VerifyCachedFiles = true });

        var snapshot = await verifying.DownloadAsync(Request(Weights, Config));

        Assert.Equal(file.Content, File.ReadAllBytes(blob));
        Assert.Equal(file.Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        Assert.Equal(gets + 1, _hub.Requests.Count(r => r.Cdn && r.FilePath == Weights));
        Assert.Equal(file.Content.Length, snapshot.BytesDownloaded);
        Assert.Contains(_log.Messages, m => m.StartsWith("Warning:", StringComparison.Ordinal) && m.Contains(Weights, StringComparison.Ordinal) && m.Contains(zerosHash, StringComparison.Ordinal) && m.Contains(file.Sha256, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DownloadAsync_ZeroedBlobWithoutVerification_IsTrustedBySize()
    {
        var file = _repo.Files[Weights];
        using var downloader = Create();
        await downloader.DownloadAsync(Request(Weights));
        await File.WriteAllBytesAsync(Path.Combine(BlobsDirectory, file.Etag), new byte[file.Content.Length]);

        var snapshot = await downloader.DownloadAsync(Request(Weights));

        Assert.Equal(1, _hub.Requests.Count(r => r.Cdn && r.FilePath == Weights));
        Assert.Equal(0, snapshot.BytesDownloaded);
        Assert.Equal(new byte[file.Content.Length], File.ReadAllBytes(snapshot.LocalPaths[Weights]));
    }

    [Fact]
    public async Task DownloadAsync_VerifyCachedFilesAndIntactCache_DownloadsNothing()
    {
        using (var online = Create())
        {
            await online.DownloadAsync(new HubDownloadRequest { RepoId = RepoId, Folder = "cpu" });
        }

        var served = _hub.BytesServed;
        _log.Messages.Clear();
        using var verifying = Create(new HubClientOptions { VerifyCachedFiles = true });

        var snapshot = await verifying.DownloadAsync(new HubDownloadRequest { RepoId = RepoId, Folder = "cpu" });

        Assert.Equal(0, snapshot.BytesDownloaded);
        Assert.Equal(served, _hub.BytesServed);
        Assert.Contains(_log.Messages, m => m.Contains($"Verified {Weights}: sha256 {_repo.Files[Weights].Sha256}", StringComparison.Ordinal));
        Assert.Contains(_log.Messages, m => m.Contains($"Verified {Config}: git-sha1 {_repo.Files[Config].GitObjectId}", StringComparison.Ordinal));
        Assert.DoesNotContain(_log.Messages, m => m.StartsWith("Warning:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DownloadAsync_VerifyCachedFilesAndZeroedSnapshotCopy_CopiesTheBlobAgain()
    {
        var file = _repo.Files[Weights];
        using (var online = Create(new HubClientOptions { UseSymbolicLinks = false }))
        {
            var copy = (await online.DownloadAsync(Request(Weights))).LocalPaths[Weights];
            await File.WriteAllBytesAsync(copy, new byte[file.Content.Length]);
        }

        using var verifying = Create(new HubClientOptions { UseSymbolicLinks = false, VerifyCachedFiles = true });

        var snapshot = await verifying.DownloadAsync(Request(Weights));

        Assert.Equal(file.Content, File.ReadAllBytes(snapshot.LocalPaths[Weights]));
        Assert.Null(new FileInfo(snapshot.LocalPaths[Weights]).LinkTarget);
        Assert.Equal(0, snapshot.BytesDownloaded);
        Assert.Equal(1, _hub.Requests.Count(r => r.Cdn && r.FilePath == Weights));
        Assert.Contains(_log.Messages, m => m.StartsWith("Warning:", StringComparison.Ordinal) && m.Contains("snapshot copy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DownloadAsync_LargeFileArrivingInOddPieces_WritesAllButTheLastPartialBlockDirectly()
    {
        // Pieces of 65,537 bytes: without realigning, every chunk after the first would start off a 4 KiB boundary.
        var size = (3 * HuggingFaceDownloader.DirectChunkSize) + 12_345;
        var file = _repo.AddRandomFile("cpu/large.onnx.data", size, seed: 9);
        file.TrickleAfterBytes = 0;
        file.TrickleChunk = 65_537;
        file.TrickleDelay = TimeSpan.Zero;
        using var downloader = Create();

        var snapshot = await downloader.DownloadAsync(Request(file.Path));

        Assert.Equal(file.Content, File.ReadAllBytes(snapshot.LocalPaths[file.Path]));
        var (direct, written) = DirectWrites(file.Path);
        Assert.Equal(size, written);
        DirectIOAssert.DirectBytes(size - (size % DirectIO.Alignment), direct);
    }

    [Fact]
    public async Task DownloadAsync_DroppedAtAnUnalignedByteThenResumed_RealignsAndWritesTheRestDirectly()
    {
        var size = 3 * HuggingFaceDownloader.DirectChunkSize;
        var file = _repo.AddRandomFile("cpu/large.onnx.data", size, seed: 10);
        file.DropAfterBytes = HuggingFaceDownloader.DirectChunkSize + 1001;
        using var downloader = Create();

        var snapshot = await downloader.DownloadAsync(Request(file.Path));

        Assert.Equal(file.Content, File.ReadAllBytes(snapshot.LocalPaths[file.Path]));
        Assert.Equal(size, _hub.BytesServed);
        var (direct, written) = DirectWrites(file.Path);
        Assert.Equal(size, written);

        // Buffered: the tail before the drop, and the first chunk after the resume, which realigns the rest.
        if (OperatingSystem.IsLinux())
        {
            Assert.InRange(direct, size - DirectIO.Alignment - HuggingFaceDownloader.DirectChunkSize, size - DirectIO.Alignment);
        }
        else
        {
            Assert.Equal(0, direct);
        }
    }

    [Fact]
    public async Task DownloadAsync_DirectIOOff_WritesEveryByteThroughThePageCache()
    {
        var size = HuggingFaceDownloader.DirectChunkSize + DirectIO.Alignment;
        var file = _repo.AddRandomFile("cpu/large.onnx.data", size, seed: 11);
        using var downloader = Create(new HubClientOptions { UseDirectIO = false });

        var snapshot = await downloader.DownloadAsync(Request(file.Path));

        Assert.Equal(file.Content, File.ReadAllBytes(snapshot.LocalPaths[file.Path]));
        Assert.Equal((0L, (long)size), DirectWrites(file.Path));
    }

    private static HubDownloadRequest Request(params string[] paths) =>
        new() { RepoId = RepoId, Files = [.. paths.Select(p => new HubFile(p))] };

    /// <summary>The figures of the downloader's "went directly to the disk" log message for a file.</summary>
    private (long Direct, long Written) DirectWrites(string repoPath)
    {
        var message = _log.Messages.Single(m => m.Contains($"RepoPath={repoPath};DirectBytes=", StringComparison.Ordinal));
        var values = message[(message.IndexOf('[', StringComparison.Ordinal) + 1)..message.IndexOf(']', StringComparison.Ordinal)]
            .Split(';')
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        return (long.Parse(values["DirectBytes"], CultureInfo.InvariantCulture), long.Parse(values["WrittenBytes"], CultureInfo.InvariantCulture));
    }

    private HuggingFaceDownloader Create(HubClientOptions? options = null, Dictionary<string, string>? env = null)
    {
        options ??= new HubClientOptions();
        options.Endpoint ??= _hub.Endpoint;
        options.CacheDirectory ??= _cache.Path;
        options.RetryDelay ??= TimeSpan.FromMilliseconds(1);
        options.Timeout ??= TimeSpan.FromSeconds(10);
        options.Logger ??= _log;
        options.EnvironmentReader = name => env is not null && env.TryGetValue(name, out var value) ? value : null;
        return new HuggingFaceDownloader(options);
    }
}
