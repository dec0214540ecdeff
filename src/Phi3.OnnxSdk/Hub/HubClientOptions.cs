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

    /// <summary>Gets or sets the logger. Default: none. The token never appears in log messages.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>Gets or sets the environment reader (tests replace it). Default: the process environment.</summary>
    internal Func<string, string?>? EnvironmentReader { get; set; }

    /// <summary>Gets or sets the free-space probe, given the cache folder (tests replace it).</summary>
    internal Func<string, long>? FreeSpaceProbe { get; set; }

    /// <summary>Returns a shallow copy.</summary>
    internal HubClientOptions Clone() => (HubClientOptions)MemberwiseClone();
}
