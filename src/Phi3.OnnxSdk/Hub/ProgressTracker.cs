using System.Diagnostics;

namespace Phi3.OnnxSdk.Hub;

/// <summary>Aggregates per-file byte counts of a parallel download into <see cref="DownloadProgress"/> reports; thread-safe.</summary>
internal sealed class ProgressTracker
{
    private readonly IProgress<DownloadProgress>? _progress;
    private readonly long _intervalTicks;
    private readonly long _totalBytes;
    private readonly int _fileCount;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private long _present;
    private long _transferred;
    private int _completed;
    private long _lastReport = long.MinValue;

    public ProgressTracker(IProgress<DownloadProgress>? progress, TimeSpan interval, long totalBytes, int fileCount)
    {
        _progress = progress;
        _intervalTicks = (long)(interval.TotalSeconds * Stopwatch.Frequency);
        _totalBytes = totalBytes;
        _fileCount = fileCount;
    }

    public long Transferred => Interlocked.Read(ref _transferred);

    public void FileCached(string repoPath, long size)
    {
        lock (_gate)
        {
            _present += size;
            _completed++;
            Report(repoPath, size, size, force: true);
        }
    }

    public void FileStarted(string repoPath, long alreadyPresent, long size)
    {
        lock (_gate)
        {
            _present += alreadyPresent;
            Report(repoPath, alreadyPresent, size, force: true);
        }
    }

    public void Advanced(string repoPath, long fileBytes, long size, int delta)
    {
        lock (_gate)
        {
            _present += delta;
            _transferred += delta;
            Report(repoPath, fileBytes, size, force: false);
        }
    }

    public void Restarted(string repoPath, long discarded, long size)
    {
        lock (_gate)
        {
            _present -= discarded;
            Report(repoPath, 0, size, force: true);
        }
    }

    public void FileFailed(long present)
    {
        lock (_gate)
        {
            _present -= present;
        }
    }

    public void FileCompleted(string repoPath, long size)
    {
        lock (_gate)
        {
            _completed++;
            Report(repoPath, size, size, force: true);
        }
    }

    private void Report(string repoPath, long fileBytes, long fileSize, bool force)
    {
        if (_progress is null)
        {
            return;
        }

        var now = _clock.ElapsedTicks;
        if (!force && now - _lastReport < _intervalTicks)
        {
            return;
        }

        _lastReport = now;
        var seconds = _clock.Elapsed.TotalSeconds;
        var rate = seconds > 0 ? _transferred / seconds : 0;
        var left = Math.Max(0, _totalBytes - _present);
        _progress.Report(new DownloadProgress
        {
            FilePath = repoPath,
            FileBytesDownloaded = fileBytes,
            FileTotalBytes = fileSize,
            TotalBytesDownloaded = _present,
            TotalBytes = _totalBytes,
            FilesCompleted = _completed,
            FileCount = _fileCount,
            BytesPerSecond = rate,
            EstimatedTimeRemaining = left == 0 ? TimeSpan.Zero : rate > 0 ? TimeSpan.FromSeconds(left / rate) : null,
        });
    }
}
