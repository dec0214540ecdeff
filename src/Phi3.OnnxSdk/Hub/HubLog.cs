using Microsoft.Extensions.Logging;

namespace Phi3.OnnxSdk.Hub;

/// <summary>The downloader's log messages. None takes a header or the token, so neither can be logged.</summary>
internal static partial class HubLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Resolving {RepoId}@{Revision} ({FileCount} files) from {Endpoint}")]
    public static partial void Resolving(ILogger logger, string repoId, string revision, int fileCount, Uri endpoint);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Debug, Message = "{RepoPath} is cached as blob {Etag}")]
    public static partial void Cached(ILogger logger, string repoPath, string etag);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Downloading {RepoPath} ({Size} bytes) from byte {Offset}")]
    public static partial void Downloading(ILogger logger, string repoPath, long size, long offset);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "{What}: retry {Attempt} of {MaxRetries} in {Delay}: {Reason}")]
    public static partial void Retrying(ILogger logger, string what, int attempt, int maxRetries, TimeSpan delay, string reason);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "{RepoPath}: the server ignored the range request; starting over from byte 0")]
    public static partial void RangeIgnored(ILogger logger, string repoPath);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "Verified {RepoPath}: {Algorithm} {Hash}")]
    public static partial void Verified(ILogger logger, string repoPath, string algorithm, string hash);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Debug, Message = "Waiting for the lock {LockPath}, held by another download of the same blob")]
    public static partial void WaitingForLock(ILogger logger, string lockPath);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Debug, Message = "Symbolic links are unavailable ({Reason}); copying {RepoPath} into the snapshot")]
    public static partial void CopyingInsteadOfLink(ILogger logger, string repoPath, string reason);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Error, Message = "{RepoPath} failed verification: expected {Expected}, got {Actual}; the partial blob was deleted")]
    public static partial void VerificationFailed(ILogger logger, string repoPath, string expected, string actual);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Warning, Message = "Could not read the free space of {Directory}: {Reason}; skipping the disk-space check")]
    public static partial void FreeSpaceUnknown(ILogger logger, string directory, string reason);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Warning, Message = "The hub {Endpoint} could not be reached ({Reason}); using the cached snapshot {Commit} of {RepoId}@{Revision}, which may be out of date")]
    public static partial void UsingCachedSnapshot(ILogger logger, Uri endpoint, string reason, string commit, string repoId, string revision);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Warning, Message = "The cached {What} of {RepoPath} fails its check: expected {Algorithm} {Expected}, got {Actual}; replacing it")]
    public static partial void CachedFileCorrupt(ILogger logger, string what, string repoPath, string algorithm, string expected, string actual);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Debug, Message = "{RepoPath}: {DirectBytes} of the {WrittenBytes} bytes written went directly to the disk")]
    public static partial void WroteDirectly(ILogger logger, string repoPath, long directBytes, long writtenBytes);

    [LoggerMessage(EventId = 5014, Level = LogLevel.Information, Message = "{RepoPath}: the download address on {Host} expired ({Status}); resolving it again through the hub")]
    public static partial void AddressExpired(ILogger logger, string repoPath, string host, int status);

    [LoggerMessage(EventId = 5015, Level = LogLevel.Debug, Message = "Downloading {RepoPath} on {Connections} connections, {RangeSize} bytes per range, from byte {Offset}: the first connection received {FirstRate:F0} bytes/s")]
    public static partial void DownloadingRanges(ILogger logger, string repoPath, int connections, int rangeSize, long offset, double firstRate);

    [LoggerMessage(EventId = 5016, Level = LogLevel.Warning, Message = "{RepoPath}: the server answered a range request with {Status}; fetching the rest on one connection")]
    public static partial void RangesRefused(ILogger logger, string repoPath, int status);

    [LoggerMessage(EventId = 5017, Level = LogLevel.Warning, Message = "Another program is writing {Path} without taking the lock {LockPath} (huggingface_hub's); waiting for it to finish: {Reason}")]
    public static partial void ForeignWriter(ILogger logger, string path, string lockPath, string reason);

    [LoggerMessage(EventId = 5018, Level = LogLevel.Information, Message = "{RepoPath}: another program finished blob {Etag} first; it was checked and is used")]
    public static partial void AcceptedForeignBlob(ILogger logger, string repoPath, string etag);

    [LoggerMessage(EventId = 5019, Level = LogLevel.Warning, Message = "{Path}: the other program writing it has been quiet for {Quiet}; continuing the download from its {Length} bytes")]
    public static partial void ForeignWriterQuiet(ILogger logger, string path, TimeSpan quiet, long length);
}
