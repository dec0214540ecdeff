using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// Downloads model files from the Hugging Face hub into the huggingface_hub cache, shared with Python tools:
/// resumable, SHA-256 verified, locked per blob across threads and processes, several files at once.
/// </summary>
/// <remarks>
/// <para>
/// Files land in <c>{cache}/models--org--name/blobs/{etag}</c> and become visible as
/// <c>snapshots/{commit}/{path}</c> (a symbolic link, or a copy where links are not allowed or
/// <see cref="HubClientOptions.UseSymbolicLinks"/> is off) only after their size and hash are verified. An
/// interrupted download leaves <c>blobs/{etag}.incomplete</c>, which the next call continues with a range request.
/// </para>
/// <para>
/// When the hub cannot be reached while the revision is resolved (a refused connection, a DNS failure, a time-out,
/// or 408, 429 or 5xx answers, after the retries) and the cache holds a snapshot of the revision (a commit hash, or
/// a branch or tag whose ref is cached) with every requested file, that snapshot is returned and a warning is
/// logged, as huggingface_hub does. 401, 403 and 404 answers never fall back to the cache.
/// </para>
/// <para>
/// A large file whose first connection is slow (CDNs cap each connection) is fetched in ranges on up to
/// <see cref="HubClientOptions.ConnectionsPerFile"/> connections, still hashed as one stream, the partial file always a
/// contiguous prefix. An expired CDN address (403 or 410 from the download server) is resolved again through the hub.
/// A folder download records its listing, so that without the hub a folder whose download stopped half-way is reported
/// incomplete. Another program writing the same partial blob without huggingface_hub's lock is noticed: nothing is
/// published whose bytes on disk were not the ones verified, and a blob that program finishes is used after hashing it.
/// </para>
/// <para>All members are thread-safe; <see cref="DownloadAsync"/> may run concurrently, also for the same files.</para>
/// </remarks>
public sealed partial class HuggingFaceDownloader : IDisposable
{
    /// <summary>The chunk size with direct writes: large, since each direct write has a cost (1 MiB chunks took about 0.15 CPU-s more per GiB here).</summary>
    internal const int DirectChunkSize = 4 << 20;

    /// <summary>The chunk size through the page cache: small enough to stay in the processor's cache between receiving, hashing and copying (4 MiB chunks halved the rate here).</summary>
    internal const int BufferedChunkSize = 1 << 20;

    private readonly HubSettings _settings;
    private readonly HubHttpClient _http;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="HuggingFaceDownloader"/> class.</summary>
    /// <param name="options">The settings; <see langword="null"/> takes every default (environment variables first).</param>
    /// <exception cref="ArgumentException">An option or HF_ENDPOINT is malformed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A numeric option is out of range.</exception>
    public HuggingFaceDownloader(HubClientOptions? options = null)
    {
        _settings = HubSettings.Resolve(options ?? new HubClientOptions());
        _http = new HubHttpClient(_settings);
    }

    /// <summary>Gets the cache folder in use (absolute).</summary>
    public string CacheDirectory => _settings.CacheDirectory;

    /// <summary>Gets the hub address in use.</summary>
    public Uri Endpoint => _settings.Endpoint;

    /// <summary>Gets whether this downloader works from the cache only.</summary>
    public bool IsOffline => _settings.Offline;

    /// <summary>
    /// Makes the requested files of a repository available in the cache, downloading what is missing, and
    /// returns where they are.
    /// </summary>
    /// <param name="request">What to fetch.</param>
    /// <param name="progress">Receives per-file and total byte counts, the rate and the time left; optional.</param>
    /// <param name="cancellationToken">Cancels the download; partial files are kept and resumed next time.</param>
    /// <returns>The snapshot folder and the local path of each file.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The repository id, revision or a file path is malformed or would leave the cache folder, or nothing is requested.</exception>
    /// <exception cref="HubAuthenticationException">The hub answered 401 or 403 (missing or bad token, gated or private repository).</exception>
    /// <exception cref="HubNotFoundException">The hub answered 404 (unknown repository, revision or file).</exception>
    /// <exception cref="HubIntegrityException">A file's bytes or size did not match the expected hash or size.</exception>
    /// <exception cref="HubOfflineException">Offline mode is on and a requested file or the revision is not cached.</exception>
    /// <exception cref="InsufficientDiskSpaceException">The cache's volume lacks space for the bytes still to download.</exception>
    /// <exception cref="HubException">The hub could not be reached or failed after all retries (while resolving: and the cache holds no complete snapshot of the revision to use instead), or answered something unusable (including a listing whose path leaves the folder).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The downloader was disposed.</exception>
    public async Task<HubSnapshot> DownloadAsync(HubDownloadRequest request, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        HubPath.ValidateRepoId(request.RepoId);
        var revision = request.Revision ?? "main";
        HubPath.ValidateRevision(revision);
        var requested = NormalizeRequestedFiles(request);
        var folder = NormalizeFolder(request.Folder);
        if (requested.Count == 0 && folder is null)
        {
            throw new ArgumentException($"The request for {request.RepoId} names no files and no folder; set Files or Folder.", nameof(request));
        }

        var layout = new HubCacheLayout(_settings.CacheDirectory, request.RepoId);
        if (_settings.Offline)
        {
            return FromCacheOnly(layout, request.RepoId, revision, requested, folder, progress);
        }

        // 1-2. What to fetch, and its commit, etag and size. A hub that cannot be reached falls back to the cache.
        // When the cache already holds the revision, a host that cannot be reached at all is not retried: the cached
        // copy is used at once (huggingface_hub does the same) instead of after the whole back-off.
        var cacheCanServe = CachedSnapshotLookup.Find(layout, revision, requested, folder).IsComplete;
        HubFile[] files;
        HubFileMetadata[] metadata;
        try
        {
            (files, metadata) = await ResolveAsync(request.RepoId, revision, requested, folder, retryUnreachable: !cacheCanServe, cancellationToken).ConfigureAwait(false);
        }
        catch (HubException ex) when (ex.HubUnavailable)
        {
            return FromCacheWhenUnreachable(layout, request.RepoId, revision, requested, folder, progress, ex);
        }

        var commit = metadata[0].Commit;

        // 3. Plan: check the hub against the caller's hashes, see what is cached, check the free space.
        var plan = new PlannedFile[files.Length];
        for (var i = 0; i < files.Length; i++)
        {
            plan[i] = Plan(layout, request.RepoId, revision, files[i], metadata[i]);
        }

        CheckFreeSpace(layout, request.RepoId, commit, plan);
        WriteRef(layout, revision, commit);
        if (folder is not null)
        {
            // Recorded before the first byte, so that a download that stops half-way is known to be incomplete.
            SnapshotListing.Write(layout, commit, folder, plan.Where(p => folder.Length == 0 || p.RepoPath.StartsWith(folder + "/", StringComparison.Ordinal)));
        }

        // 4. Fetch what is missing, a bounded number of files at once.
        var tracker = new ProgressTracker(progress, _settings.ProgressInterval, plan.Sum(p => p.Size), plan.Length);
        await Parallel.ForEachAsync(plan, Parallelism(cancellationToken), (file, ct) =>
            new ValueTask(FetchAsync(layout, request.RepoId, commit, file, tracker, ct))).ConfigureAwait(false);

        var paths = plan.ToDictionary(p => p.RepoPath, p => layout.SnapshotFilePath(commit, p.RepoPath), StringComparer.Ordinal);
        return new HubSnapshot(request.RepoId, revision, commit, layout.SnapshotDirectory(commit), paths, tracker.Transferred);
    }

    /// <summary>Lists the files of a repository folder, recursively, through the hub's tree API (following all pages).</summary>
    /// <param name="repoId">The repository id, <c>org/name</c>.</param>
    /// <param name="revision">The branch, tag or commit; <see langword="null"/> means <c>main</c>.</param>
    /// <param name="folder">The folder; <see langword="null"/> or empty means the repository root.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The files, with their SHA-256 (LFS files) or git blob id, and size.</returns>
    /// <exception cref="ArgumentException">The repository id, revision or folder is malformed.</exception>
    /// <exception cref="HubAuthenticationException">The hub answered 401 or 403.</exception>
    /// <exception cref="HubNotFoundException">The hub answered 404.</exception>
    /// <exception cref="HubException">The hub failed after all retries, or the listing names a path that leaves the folder.</exception>
    /// <exception cref="InvalidOperationException">Offline mode is on.</exception>
    /// <exception cref="ObjectDisposedException">The downloader was disposed.</exception>
    public Task<IReadOnlyList<HubFile>> ListFilesAsync(string repoId, string? revision = null, string? folder = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        HubPath.ValidateRepoId(repoId);
        HubPath.ValidateRevision(revision ?? "main");
        if (_settings.Offline)
        {
            throw new InvalidOperationException("Listing needs the hub, but offline mode is on (HF_HUB_OFFLINE or HubClientOptions.Offline).");
        }

        return _http.ListAsync(repoId, revision ?? "main", NormalizeFolder(folder) ?? string.Empty, cancellationToken);
    }

    /// <summary>Releases the HTTP connections. Downloads still running fail.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _http.Dispose();
        }
    }

    private static List<HubFile> NormalizeRequestedFiles(HubDownloadRequest request)
    {
        var result = new List<HubFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in request.Files ?? [])
        {
            ArgumentNullException.ThrowIfNull(file, nameof(request));
            if (!HubPath.TryNormalize(file.Path, out var path, out var reason))
            {
                throw new ArgumentException($"The file path '{file.Path}' of {request.RepoId} is not allowed: {reason}. Use a relative path inside the repository, like 'folder/file.onnx'.", nameof(request));
            }

            if (file.Sha256 is { } sha && !Sha256Regex().IsMatch(sha))
            {
                throw new ArgumentException($"The expected sha256 '{sha}' of '{path}' is not 64 hexadecimal digits.", nameof(request));
            }

            if (file.Size is < 0)
            {
                throw new ArgumentException($"The expected size of '{path}' is negative.", nameof(request));
            }

            if (seen.Add(path))
            {
                result.Add(file with { Path = path, Sha256 = file.Sha256?.ToLowerInvariant() });
            }
        }

        return result;
    }

    private static string? NormalizeFolder(string? folder)
    {
        if (folder is null)
        {
            return null;
        }

        var trimmed = folder.Trim('/');
        if (trimmed.Length == 0)
        {
            return string.Empty;
        }

        return HubPath.TryNormalize(trimmed, out var normalized, out var reason)
            ? normalized
            : throw new ArgumentException($"The folder '{folder}' is not allowed: {reason}. Use a relative folder inside the repository.", nameof(folder));
    }

    private static PlannedFile Plan(HubCacheLayout layout, string repoId, string revision, HubFile file, HubFileMetadata metadata)
    {
        var hubSha = metadata.IsLfs && Sha256Regex().IsMatch(metadata.Etag) ? metadata.Etag.ToLowerInvariant() : null;
        var expectedSha = file.Sha256?.ToLowerInvariant() ?? hubSha;
        if (file.Sha256 is not null && hubSha is not null && !string.Equals(file.Sha256, hubSha, StringComparison.OrdinalIgnoreCase))
        {
            throw new HubIntegrityException(
                $"'{file.Path}' of {repoId}@{revision}: expected sha256 {file.Sha256.ToLowerInvariant()} but the hub serves sha256 {hubSha} (commit {metadata.Commit}). The revision has moved or the expected hash is stale: pin the expected commit. Nothing was downloaded.")
            {
                Expected = file.Sha256.ToLowerInvariant(),
                Actual = hubSha,
            };
        }

        if (file.Size is { } expectedSize && expectedSize != metadata.Size)
        {
            throw new HubIntegrityException(
                $"'{file.Path}' of {repoId}@{revision}: expected {expectedSize} bytes but the hub serves {metadata.Size} bytes (commit {metadata.Commit}). The revision has moved or the expected size is stale. Nothing was downloaded.")
            {
                Expected = expectedSize.ToString(CultureInfo.InvariantCulture),
                Actual = metadata.Size.ToString(CultureInfo.InvariantCulture),
            };
        }

        var gitOid = expectedSha is null && file.GitObjectId is { } oid && GitOidRegex().IsMatch(oid) ? oid.ToLowerInvariant() : null;
        var blob = layout.BlobPath(metadata.Etag);
        var cached = IsCompleteBlob(blob, metadata.Size);
        var incomplete = new FileInfo(layout.IncompletePath(metadata.Etag));
        var partial = !cached && incomplete.Exists && incomplete.Length <= metadata.Size ? incomplete.Length : 0;
        return new PlannedFile(metadata, expectedSha, gitOid, cached, partial);
    }

    private static bool IsCompleteBlob(string blobPath, long size)
    {
        var blob = new FileInfo(blobPath);
        return blob.Exists && blob.Length == size;
    }

    private static void WriteRef(HubCacheLayout layout, string revision, string commit)
    {
        if (revision == commit)
        {
            return;
        }

        var path = layout.RefPath(revision);
        if (File.Exists(path) && File.ReadAllText(path).Trim() == commit)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temporary, commit);
        File.Move(temporary, path, overwrite: true);
    }

    [GeneratedRegex("^[0-9a-fA-F]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha256Regex();

    [GeneratedRegex("^[0-9a-fA-F]{40}$", RegexOptions.CultureInvariant)]
    private static partial Regex GitOidRegex();

    /// <summary>Lists the folder (when asked) and sends a HEAD for every file: the first at the revision, the others at its commit.</summary>
    private async Task<(HubFile[] Files, HubFileMetadata[] Metadata)> ResolveAsync(string repoId, string revision, List<HubFile> requested, string? folder, bool retryUnreachable, CancellationToken cancellationToken)
    {
        // 1. What to fetch: the listing of the folder, overlaid with the caller's files (their hashes win).
        var wanted = new Dictionary<string, HubFile>(StringComparer.Ordinal);
        if (folder is not null)
        {
            foreach (var listed in await _http.ListAsync(repoId, revision, folder, cancellationToken, retryUnreachable).ConfigureAwait(false))
            {
                wanted[listed.Path] = listed;
            }

            if (wanted.Count == 0)
            {
                throw new HubNotFoundException($"The folder '{folder}' of {repoId}@{revision} lists no files. Check the folder name and revision.");
            }
        }

        foreach (var file in requested)
        {
            wanted[file.Path] = wanted.TryGetValue(file.Path, out var listed)
                ? listed with { Sha256 = file.Sha256 ?? listed.Sha256, Size = file.Size ?? listed.Size }
                : file;
        }

        HubLog.Resolving(_settings.Logger, repoId, revision, wanted.Count, _settings.Endpoint);

        // 2. HEAD every file: the first at the revision gives the commit, the others are asked at that commit.
        var files = wanted.Values.ToArray();
        var metadata = new HubFileMetadata[files.Length];
        var commitRevision = revision;
        var start = 0;
        if (!HubPath.IsCommitHash(revision))
        {
            metadata[0] = await _http.GetMetadataAsync(repoId, revision, files[0].Path, cancellationToken, retryUnreachable).ConfigureAwait(false);
            commitRevision = metadata[0].Commit;
            HubPath.ValidateRevision(commitRevision);
            start = 1;
        }

        await Parallel.ForAsync(start, files.Length, Parallelism(cancellationToken), async (i, ct) =>
            metadata[i] = await _http.GetMetadataAsync(repoId, commitRevision, files[i].Path, ct, retryUnreachable).ConfigureAwait(false)).ConfigureAwait(false);

        return (files, metadata);
    }

    private ParallelOptions Parallelism(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = _settings.MaxParallelDownloads, CancellationToken = cancellationToken };

    private void CheckFreeSpace(HubCacheLayout layout, string repoId, string commit, PlannedFile[] plan)
    {
        // Blobs shared by several paths are counted once; copies (when links are off) once per path.
        var needed = plan.Where(p => !p.Cached).DistinctBy(p => p.Etag).Sum(p => p.Size - p.PartialBytes);
        if (!_settings.UseSymbolicLinks)
        {
            needed += plan
                .Where(p => !SnapshotLinker.PointsTo(layout.SnapshotFilePath(commit, p.RepoPath), layout.BlobPath(p.Etag), linksAllowed: false))
                .Sum(p => p.Size);
        }

        if (needed <= 0)
        {
            return;
        }

        Directory.CreateDirectory(layout.CacheDirectory);
        long free;
        try
        {
            free = _settings.FreeSpaceProbe(layout.CacheDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            HubLog.FreeSpaceUnknown(_settings.Logger, layout.CacheDirectory, ex.Message);
            return;
        }

        if (free < needed)
        {
            throw new InsufficientDiskSpaceException(
                $"Downloading {repoId} needs {needed:N0} more bytes ({needed / 1e9:F2} GB) but '{layout.CacheDirectory}' has {free:N0} bytes free. Free some space, or point HF_HUB_CACHE (or HubClientOptions.CacheDirectory) to a larger volume.")
            {
                RequiredBytes = needed,
                AvailableBytes = free,
            };
        }
    }

    private async Task FetchAsync(HubCacheLayout layout, string repoId, string commit, PlannedFile file, ProgressTracker tracker, CancellationToken cancellationToken)
    {
        var blob = layout.BlobPath(file.Etag);
        var pointer = layout.SnapshotFilePath(commit, file.RepoPath);
        var verify = _settings.VerifyCachedFiles && file.ExpectedHash is not null;
        if (!verify && IsCompleteBlob(blob, file.Size))
        {
            HubLog.Cached(_settings.Logger, file.RepoPath, file.Etag);
            SnapshotLinker.Link(blob, pointer, file.RepoPath, _settings);
            tracker.FileCached(file.RepoPath, file.Size);
            return;
        }

        using (await BlobLock.AcquireAsync(layout.LockPath(file.Etag), _settings.Logger, cancellationToken).ConfigureAwait(false))
        {
            // Checked under the lock, so no other download is replacing the blob meanwhile.
            if (verify && IsCompleteBlob(blob, file.Size) && !await BlobHasher.MatchesAsync(blob, "blob", file, _settings, cancellationToken).ConfigureAwait(false))
            {
                File.Delete(blob);
            }

            // Another thread or process may have finished this blob while we waited for the lock.
            var downloaded = false;
            if (!IsCompleteBlob(blob, file.Size))
            {
                await new BlobDownload(_http, _settings, layout, repoId, commit, file, tracker).RunAsync(cancellationToken).ConfigureAwait(false);
                downloaded = true;
            }
            else
            {
                tracker.FileStarted(file.RepoPath, file.Size, file.Size);
            }

            // A copy in the snapshot is made again when its blob was just (re)downloaded, or fails the hash check.
            var replaceCopy = downloaded
                || (verify && SnapshotLinker.IsCopy(pointer) && SnapshotLinker.PointsTo(pointer, blob, linksAllowed: false)
                    && !await BlobHasher.MatchesAsync(pointer, "snapshot copy", file, _settings, cancellationToken).ConfigureAwait(false));
            SnapshotLinker.Link(blob, pointer, file.RepoPath, _settings, replaceCopy);
        }

        tracker.FileCompleted(file.RepoPath, file.Size);
    }

    private static HubSnapshot FromCacheOnly(HubCacheLayout layout, string repoId, string revision, List<HubFile> requested, string? folder, IProgress<DownloadProgress>? progress)
    {
        var cached = CachedSnapshotLookup.Find(layout, revision, requested, folder);
        if (cached.Commit is null)
        {
            throw new HubOfflineException(
                $"Offline mode is on (HF_HUB_OFFLINE or HubClientOptions.Offline) and the cache '{layout.RepoDirectory}' has no snapshot of {repoId}@{revision}. Download it once online, or turn offline mode off.");
        }

        if (!cached.IsComplete)
        {
            throw new HubOfflineException(
                $"Offline mode is on (HF_HUB_OFFLINE or HubClientOptions.Offline) and {repoId}@{revision} (commit {cached.Commit}) in '{layout.RepoDirectory}' is incomplete; it lacks: {cached.MissingDescription}. Download it once online, or turn offline mode off.")
            {
                MissingFiles = cached.Missing,
            };
        }

        return CachedSnapshot(layout, repoId, revision, cached, progress);
    }

    /// <summary>
    /// After the hub could not be reached (or kept failing) while resolving: the cached snapshot of the revision when
    /// it holds every requested file, as huggingface_hub does, with a warning; otherwise an exception saying both.
    /// </summary>
    private HubSnapshot FromCacheWhenUnreachable(HubCacheLayout layout, string repoId, string revision, List<HubFile> requested, string? folder, IProgress<DownloadProgress>? progress, HubException failure)
    {
        var cause = (failure.InnerException ?? failure).Message;
        var cached = CachedSnapshotLookup.Find(layout, revision, requested, folder);
        if (!cached.IsComplete)
        {
            var what = cached.Commit is null
                ? $"the cache '{layout.RepoDirectory}' holds no snapshot of {repoId}@{revision}"
                : $"the cached snapshot of {repoId}@{revision} (commit {cached.Commit}) in '{layout.RepoDirectory}' is incomplete; it lacks {cached.MissingDescription}";
            throw new HubException(
                $"The hub {_settings.Endpoint} could not be reached ({cause}), and nothing usable is cached: {what}. Check the network connection, the proxy and HF_ENDPOINT, then try again.",
                failure)
            {
                StatusCode = failure.StatusCode,
                HubUnavailable = true,
            };
        }

        HubLog.UsingCachedSnapshot(_settings.Logger, _settings.Endpoint, cause, cached.Commit!, repoId, revision);
        return CachedSnapshot(layout, repoId, revision, cached, progress);
    }

    private static HubSnapshot CachedSnapshot(HubCacheLayout layout, string repoId, string revision, CachedSnapshotLookup cached, IProgress<DownloadProgress>? progress)
    {
        var paths = cached.Paths;
        var total = paths.Values.Sum(CachedSnapshotLookup.LengthOf);
        progress?.Report(new DownloadProgress
        {
            FilePath = paths.Keys.Last(),
            FileBytesDownloaded = 0,
            FileTotalBytes = 0,
            TotalBytesDownloaded = total,
            TotalBytes = total,
            FilesCompleted = paths.Count,
            FileCount = paths.Count,
            EstimatedTimeRemaining = TimeSpan.Zero,
        });
        return new HubSnapshot(repoId, revision, cached.Commit!, layout.SnapshotDirectory(cached.Commit!), paths, 0);
    }
}
