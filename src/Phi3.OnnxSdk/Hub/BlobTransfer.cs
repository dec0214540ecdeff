namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// One blob being fetched into its partial file: what the one-connection transfer (<see cref="SequentialTransfer"/>)
/// and the ranged one (<see cref="RangedTransfer"/>) share: the request, the stalled-read rule and the write stage.
/// </summary>
internal sealed class BlobTransfer(HubHttpClient http, HubSettings settings, DownloadLocation location, string repoId, string commit, PlannedFile file, VerifyingBlobWriter writer, ProgressTracker tracker)
{
    public HubSettings Settings { get; } = settings;

    public DownloadLocation Location { get; } = location;

    public PlannedFile File { get; } = file;

    public VerifyingBlobWriter Writer { get; } = writer;

    public ProgressTracker Tracker { get; } = tracker;

    /// <summary>Gets what the retries and their log messages call this transfer.</summary>
    public string What => $"Downloading '{File.RepoPath}' of {repoId}@{commit}";

    /// <summary>
    /// Gets the chunk size of this path: 4 MiB pinned aligned buffers when writing directly (1 MiB chunks cost about
    /// 0.15 CPU-s more per GiB there), 1 MiB through the page cache (small enough to stay in the processor's cache between
    /// receiving, hashing and copying; 4 MiB chunks halved the rate there).
    /// </summary>
    public int ChunkSize => Settings.UseDirectIO && DirectIO.IsAvailable ? HuggingFaceDownloader.DirectChunkSize : HuggingFaceDownloader.BufferedChunkSize;

    /// <summary>
    /// Sends the GET for bytes <paramref name="from"/> to <paramref name="to"/> (inclusive; <see langword="null"/>: to the
    /// end); without <paramref name="alwaysRange"/>, a request for the whole file carries no Range header.
    /// </summary>
    public Task<HttpResponseMessage> GetAsync(long from, long? to, bool alwaysRange, CancellationToken cancellationToken) =>
        http.GetRangeAsync(Location, from, to, alwaysRange, repoId, commit, File.RepoPath, cancellationToken);

    /// <summary>
    /// Reads the next bytes of a body, failing with a <see cref="TimeoutException"/> (which is retried) when none
    /// arrive for <see cref="HubSettings.Timeout"/>, and with a plain cancellation when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async ValueTask<int> ReadAsync(Stream body, Memory<byte> into, CancellationTokenSource stall, CancellationToken cancellationToken)
    {
        stall.CancelAfter(Settings.Timeout);
        try
        {
            return await body.ReadAsync(into, stall.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not HubException && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The download was cancelled; the partial file is kept and resumes next time.", ex, cancellationToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && stall.IsCancellationRequested)
        {
            throw new TimeoutException($"No bytes of '{File.RepoPath}' arrived for {Settings.Timeout}.", ex);
        }
    }

    /// <summary>The write stage: writes the next bytes in file order and reports the progress.</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        try
        {
            Writer.Write(bytes);
        }
        catch (IOException ex)
        {
            throw new HubException($"Writing '{File.RepoPath}' into '{Settings.CacheDirectory}' failed: {ex.Message}", ex);
        }

        Tracker.Advanced(File.RepoPath, Writer.Position, File.Size, bytes.Length);
    }
}
