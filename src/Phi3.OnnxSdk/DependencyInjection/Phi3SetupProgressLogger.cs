using Microsoft.Extensions.Logging;
using Phi3.OnnxSdk.Provisioning;

namespace Phi3.OnnxSdk.DependencyInjection;

/// <summary>
/// Writes setup progress to a logger: every step's message, and download progress at each further tenth of the
/// bytes (so a multi-gigabyte download logs about ten lines, not one per chunk). Thread-safe: parallel file
/// downloads report from several threads.
/// </summary>
internal sealed class Phi3SetupProgressLogger : IProgress<Phi3SetupProgress>
{
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private int _lastTenth = -1;

    public Phi3SetupProgressLogger(ILogger logger) => _logger = logger;

    public void Report(Phi3SetupProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!_logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        if (value.Download is not { } download)
        {
            Phi3DependencyInjectionLog.Stage(_logger, value.Stage, value.Message);
            return;
        }

        int tenth = download.TotalBytes > 0 ? (int)(download.TotalBytesDownloaded * 10 / download.TotalBytes) : 10;
        lock (_lock)
        {
            if (tenth <= _lastTenth)
            {
                return;
            }

            _lastTenth = tenth;
        }

        Phi3DependencyInjectionLog.Download(
            _logger, tenth * 10, download.TotalBytesDownloaded, download.TotalBytes, download.FilesCompleted, download.FileCount, download.BytesPerSecond);
    }
}
