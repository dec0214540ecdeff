using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Phi3.OnnxSdk.Hub;

/// <summary>The effective settings of a downloader: options first, then huggingface_hub's environment variables.</summary>
internal sealed class HubSettings
{
    internal static readonly Uri DefaultEndpoint = new("https://huggingface.co");

    /// <summary>The default of <see cref="HubClientOptions.ConnectionsPerFile"/>, chosen by the measurement in docs/benchmarks.md.</summary>
    internal const int DefaultConnectionsPerFile = 8;

    internal const int MaxConnectionsPerFile = 64;

    /// <summary>
    /// The default rate below which one connection's file is split: a quarter of what one core hashes with SHA-256
    /// (about 2 GB/s with SHA-NI), far above what CDNs allow one connection (tens of MB/s), and well below what the
    /// loopback delivers, so a connection above it leaves more connections little to gain.
    /// </summary>
    internal const long DefaultFanOutBelowBytesPerSecond = 500_000_000;

    /// <summary>The default range size: 8 MiB, a multiple of both chunk sizes (4 MiB direct, 1 MiB buffered).</summary>
    internal const int DefaultRangeSize = 8 << 20;

    /// <summary>How long a file's first connection has to show its rate, by default, before more connections start anyway.</summary>
    internal static readonly TimeSpan DefaultFanOutProbeTime = TimeSpan.FromMilliseconds(100);

    private HubSettings(Uri endpoint, string? token, string cacheDirectory, bool offline, int maxParallelDownloads, int connectionsPerFile, int rangeSize, long fanOutBelowBytesPerSecond, int maxRetries, TimeSpan retryDelay, TimeSpan timeout, TimeSpan progressInterval, bool useSymbolicLinks, bool verifyCachedFiles, bool useDirectIO, ILogger logger, Func<string, long> freeSpaceProbe, Action<string, string> symbolicLinkFactory)
    {
        Endpoint = endpoint;
        Token = token;
        CacheDirectory = cacheDirectory;
        Offline = offline;
        MaxParallelDownloads = maxParallelDownloads;
        ConnectionsPerFile = connectionsPerFile;
        RangeSize = rangeSize;
        FanOutBelowBytesPerSecond = fanOutBelowBytesPerSecond;
        MaxRetries = maxRetries;
        RetryDelay = retryDelay;
        Timeout = timeout;
        ProgressInterval = progressInterval;
        UseSymbolicLinks = useSymbolicLinks;
        VerifyCachedFiles = verifyCachedFiles;
        UseDirectIO = useDirectIO;
        Logger = logger;
        FreeSpaceProbe = freeSpaceProbe;
        SymbolicLinkFactory = symbolicLinkFactory;
    }

    public Uri Endpoint { get; }

    public string? Token { get; }

    public string CacheDirectory { get; }

    public bool Offline { get; }

    public int MaxParallelDownloads { get; }

    public int ConnectionsPerFile { get; }

    /// <summary>Gets the size of one ranged request: a multiple of <see cref="DirectIO.Alignment"/>.</summary>
    public int RangeSize { get; }

    /// <summary>Gets the rate below which a file's first connection is joined by more.</summary>
    public long FanOutBelowBytesPerSecond { get; }

    /// <summary>Gets how long a file's first connection has to show its rate before more connections start anyway.</summary>
    public TimeSpan FanOutProbeTime { get; private init; }

    public int MaxRetries { get; }

    public TimeSpan RetryDelay { get; }

    public TimeSpan Timeout { get; }

    public TimeSpan ProgressInterval { get; }

    public bool UseSymbolicLinks { get; }

    public bool VerifyCachedFiles { get; }

    public bool UseDirectIO { get; }

    public ILogger Logger { get; }

    public Func<string, long> FreeSpaceProbe { get; }

    public Action<string, string> SymbolicLinkFactory { get; }

    public static HubSettings Resolve(HubClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Func<string, string?> env = options.EnvironmentReader ?? Environment.GetEnvironmentVariable;

        var endpoint = options.Endpoint ?? ParseEndpoint(env("HF_ENDPOINT")) ?? DefaultEndpoint;
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The hub endpoint '{endpoint}' must be an absolute http or https address.", nameof(options));
        }

        var hfHome = NonEmpty(env("HF_HOME")) ?? Path.Combine(
            NonEmpty(env("XDG_CACHE_HOME")) ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
            "huggingface");
        var cache = NonEmpty(options.CacheDirectory) ?? NonEmpty(env("HF_HUB_CACHE")) ?? Path.Combine(hfHome, "hub");

        var token = NonEmpty(options.Token) ?? NonEmpty(env("HF_TOKEN")) ?? ReadTokenFile(NonEmpty(env("HF_TOKEN_PATH")) ?? Path.Combine(hfHome, "token"));

        var offline = options.Offline ?? IsTrue(env("HF_HUB_OFFLINE"));

        var parallel = options.MaxParallelDownloads ?? 4;
        ArgumentOutOfRangeException.ThrowIfLessThan(parallel, 1, "options.MaxParallelDownloads");
        var connections = options.ConnectionsPerFile ?? DefaultConnectionsPerFile;
        ArgumentOutOfRangeException.ThrowIfLessThan(connections, 1, "options.ConnectionsPerFile");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(connections, MaxConnectionsPerFile, "options.ConnectionsPerFile");
        var rangeSize = options.RangeSize ?? DefaultRangeSize;
        if (rangeSize <= 0 || rangeSize % DirectIO.Alignment != 0)
        {
            throw new ArgumentOutOfRangeException("options.RangeSize", rangeSize, $"The range size must be a positive multiple of {DirectIO.Alignment}.");
        }

        var retries = options.MaxRetries ?? 5;
        ArgumentOutOfRangeException.ThrowIfNegative(retries, "options.MaxRetries");
        var retryDelay = options.RetryDelay ?? TimeSpan.FromSeconds(1);
        ArgumentOutOfRangeException.ThrowIfLessThan(retryDelay, TimeSpan.Zero, "options.RetryDelay");

        var timeout = options.Timeout ?? ParseSeconds(env("HF_HUB_DOWNLOAD_TIMEOUT")) ?? TimeSpan.FromSeconds(30);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, "options.Timeout");
        var progressInterval = options.ProgressInterval ?? TimeSpan.FromMilliseconds(100);

        return new HubSettings(
            endpoint,
            token,
            Path.GetFullPath(cache),
            offline,
            parallel,
            connections,
            rangeSize,
            options.FanOutBelowBytesPerSecond ?? DefaultFanOutBelowBytesPerSecond,
            retries,
            retryDelay,
            timeout,
            progressInterval,
            options.UseSymbolicLinks ?? true,
            options.VerifyCachedFiles ?? false,
            options.UseDirectIO ?? true,
            options.Logger ?? NullLogger.Instance,
            options.FreeSpaceProbe ?? ProbeFreeSpace,
            options.SymbolicLinkFactory ?? CreateSymbolicLink)
        {
            FanOutProbeTime = options.FanOutProbeTime ?? DefaultFanOutProbeTime,
        };
    }

    internal static bool IsTrue(string? value) =>
        value is not null && value.Trim().ToUpperInvariant() is "1" or "TRUE" or "YES" or "ON";

    private static void CreateSymbolicLink(string path, string target) => File.CreateSymbolicLink(path, target);

    private static long ProbeFreeSpace(string directory) => new DriveInfo(directory).AvailableFreeSpace;

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static Uri? ParseEndpoint(string? value) =>
        NonEmpty(value) is { } text
            ? Uri.TryCreate(text.TrimEnd('/'), UriKind.Absolute, out var uri)
                ? uri
                : throw new ArgumentException($"HF_ENDPOINT '{text}' is not an absolute address; set it like https://huggingface.co or unset it.")
            : null;

    private static TimeSpan? ParseSeconds(string? value) =>
        NonEmpty(value) is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : null;

    private static string? ReadTokenFile(string path)
    {
        try
        {
            return File.Exists(path) ? NonEmpty(File.ReadAllText(path)) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
