namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// A progress report of <see cref="HuggingFaceDownloader.DownloadAsync"/>. Bytes already in the cache
/// (whole files or resumed partial files) count as done.
/// </summary>
/// <remarks>Instances are immutable and safe to share between threads.</remarks>
public sealed record DownloadProgress
{
    /// <summary>Gets the repository path of the file this report is about.</summary>
    public required string FilePath { get; init; }

    /// <summary>Gets the bytes of <see cref="FilePath"/> present locally.</summary>
    public long FileBytesDownloaded { get; init; }

    /// <summary>Gets the size of <see cref="FilePath"/> in bytes.</summary>
    public long FileTotalBytes { get; init; }

    /// <summary>Gets the bytes of all requested files present locally.</summary>
    public long TotalBytesDownloaded { get; init; }

    /// <summary>Gets the size of all requested files in bytes.</summary>
    public long TotalBytes { get; init; }

    /// <summary>Gets the number of files finished (downloaded and verified, or found cached).</summary>
    public int FilesCompleted { get; init; }

    /// <summary>Gets the number of requested files.</summary>
    public int FileCount { get; init; }

    /// <summary>Gets the average transfer rate of this call in bytes per second (0 before any byte arrived).</summary>
    public double BytesPerSecond { get; init; }

    /// <summary>Gets the estimated time left, or <see langword="null"/> while the rate is unknown.</summary>
    public TimeSpan? EstimatedTimeRemaining { get; init; }
}
