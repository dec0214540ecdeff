using Microsoft.Extensions.Logging;

namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// Settings of a <see cref="HuggingFaceDownloader"/>. Every property left <see langword="null"/> takes its
/// default, which for most comes from the same environment variables huggingface_hub reads.
/// </summary>
/// <remarks>
/// The downloader reads the options once, in its constructor; later changes have no effect. Not
/// thread-safe while being filled in.
/// </remarks>
public sealed class HubClientOptions
{
    /// <summary>
    /// Gets or sets the hub address. Default: <c>HF_ENDPOINT</c>, else <c>https://huggingface.co</c>.
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>
    /// Gets or sets the access token sent as <c>Authorization: Bearer</c> to the hub (never to the CDN it
    /// redirects to, and never logged). Default: <c>HF_TOKEN</c>, else the token file huggingface_hub
    /// writes (<c>HF_TOKEN_PATH</c>, else <c>$HF_HOME/token</c>), else none.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>
    /// Gets or sets the cache folder, shared with Python tools. Default: <c>HF_HUB_CACHE</c>, else
    /// <c>$HF_HOME/hub</c>, with <c>HF_HOME</c> defaulting to <c>$XDG_CACHE_HOME/huggingface</c> or
    /// <c>~/.cache/huggingface</c>.
    /// </summary>
    public string? CacheDirectory { get; set; }

    /// <summary>
    /// Gets or sets whether to use only the cache and make no request. Default: <c>HF_HUB_OFFLINE</c>
    /// (<c>1</c>, <c>true</c>, <c>yes</c> or <c>on</c>), else <see langword="false"/>.
    /// </summary>
    public bool? Offline { get; set; }

    /// <summary>Gets or sets how many files download at once. Default: 4. Must be at least 1.</summary>
    public int? MaxParallelDownloads { get; set; }

    /// <summary>
    /// Gets or sets how many connections fetch one large file at once, each its own byte ranges, as hf_transfer does:
    /// content delivery networks cap each connection, so several reach a multiple of one's rate. Default: 8 (the
    /// measurement is in docs/benchmarks.md). 1 turns ranged downloads off: one connection per file. Must be 1 to 64.
    /// </summary>
    /// <remarks>
    /// A file of at least two ranges (16 MiB) starts on one connection, which asks for spans of 1, 2, 4, then 8 ranges
    /// of 8 MiB; when its rate stays below 500 MB/s (the time it waits for the disk and the hash not counted), the ranges
    /// after its current span go to more connections. A connection faster than that keeps the file: more would only cost work, since the SHA-256 is
    /// computed over every byte in order on one core (about 2 GB/s). The partial <c>.incomplete</c> file always holds a
    /// contiguous prefix of the file, as huggingface_hub expects when it resumes; ranges that arrive ahead of it wait in
    /// memory, at most two ranges (16 MiB) per connection per file. A server that ignores ranges is read on one connection.
    /// </remarks>
    public int? ConnectionsPerFile { get; set; }

    /// <summary>
    /// Gets or sets how many times a request is retried after a time-out, a dropped connection, 408, 429 or a
    /// 5xx answer. Default: 5. 401, 403 and 404 are never retried.
    /// </summary>
    public int? MaxRetries { get; set; }

    /// <summary>
    /// Gets or sets the wait before the first retry; it doubles on each further retry, capped at 30 seconds.
    /// A <c>Retry-After</c> header, when longer, wins. Default: 1 second.
    /// </summary>
    public TimeSpan? RetryDelay { get; set; }

    /// <summary>
    /// Gets or sets how long a request may wait for the answer's headers or for the next bytes of a body
    /// before it counts as timed out (and is retried). Default: <c>HF_HUB_DOWNLOAD_TIMEOUT</c> seconds,
    /// else 30 seconds.
    /// </summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>
    /// Gets or sets the smallest interval between two progress reports about bytes (start and end of each file
    /// are always reported). Default: 100 milliseconds.
    /// </summary>
    public TimeSpan? ProgressInterval { get; set; }

    /// <summary>
    /// Gets or sets how a verified blob appears at its snapshot path. <see langword="null"/> (the default) or
    /// <see langword="true"/>: a relative symbolic link, as huggingface_hub makes, with a copy of the blob instead
    /// wherever the operating system refuses the link (Windows without Developer Mode, some network or FAT volumes).
    /// <see langword="false"/>: always a copy, so the snapshot holds regular files (twice the disk space); a snapshot
    /// entry that is a link, or a copy of the wrong size, is replaced by a copy.
    /// </summary>
    /// <remarks>Copies are checked by size when reused; set <see cref="VerifyCachedFiles"/> to check their hash too.</remarks>
    public bool? UseSymbolicLinks { get; set; }

    /// <summary>
    /// Gets or sets whether files already in the cache are hashed again before they are trusted. When
    /// <see langword="true"/>, a cached blob (and a snapshot copy of it) whose SHA-256 (LFS files) or git blob id
    /// (files of a listed folder) does not match what the hub announces is logged as a warning and replaced: the blob
    /// is downloaded again, the copy made again from the verified blob.
    /// Default: <see langword="false"/>: a cached file of the right size is trusted, as huggingface_hub does. Costs
    /// a full read of every cached file on each download. Files whose hash the hub does not announce (those asked
    /// for by name that are not LFS files) are checked by size only, and the cache is not re-hashed when it is used
    /// without the hub (offline, or the hub unreachable).
    /// </summary>
    public bool? VerifyCachedFiles { get; set; }

    /// <summary>
    /// Gets or sets whether downloaded bytes are written straight to the disk, bypassing the operating system's page
    /// cache (<c>O_DIRECT</c>). Default: <see langword="true"/>. It saves copying every byte into the cache (on a fast
    /// link, a fifth of the download's CPU time), and keeps a multi-gigabyte download from pushing other programs' data
    /// out of memory; the first load of the model then reads it from the disk. Applies on
    /// Linux, to the 4 KiB-aligned bulk of each file; other systems, and file systems that refuse direct I/O, get
    /// ordinary buffered writes. Either way the file is flushed to the disk before it is published.
    /// </summary>
    public bool? UseDirectIO { get; set; }

    /// <summary>Gets or sets the logger. Default: none. The token never appears in log messages.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>Gets or sets the size of the byte ranges a connection asks for (tests make it small). Default: 8 MiB.</summary>
    internal int? RangeSize { get; set; }

    /// <summary>
    /// Gets or sets the rate below which one connection's file is split among more (tests set it high, so that every
    /// large file is). Default: 500 MB/s.
    /// </summary>
    internal long? FanOutBelowBytesPerSecond { get; set; }

    /// <summary>
    /// Gets or sets how long a file's first connection has to show its rate before more connections start anyway (tests
    /// that prove a fast connection keeps its file set it long, so that a slow start of the test process cannot split
    /// it). Default: 100 ms.
    /// </summary>
    internal TimeSpan? FanOutProbeTime { get; set; }

    /// <summary>Gets or sets the environment reader (tests replace it). Default: the process environment.</summary>
    internal Func<string, string?>? EnvironmentReader { get; set; }

    /// <summary>Gets or sets the free-space probe, given the cache folder (tests replace it).</summary>
    internal Func<string, long>? FreeSpaceProbe { get; set; }

    /// <summary>Gets or sets what makes a symbolic link, given the link path and its target (tests replace it).</summary>
    internal Action<string, string>? SymbolicLinkFactory { get; set; }

    /// <summary>Returns a shallow copy.</summary>
    internal HubClientOptions Clone() => (HubClientOptions)MemberwiseClone();
}
