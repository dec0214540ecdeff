using System.Globalization;
using Phi3.OnnxSdk.Hub;
using Phi3.OnnxSdk.Provisioning;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// Shows setup progress on stderr: the resolver's choice and other steps as lines, downloads as a progress bar that
/// redraws in place on a terminal (at most ten times a second) and prints a line every 10% when redirected.
/// Reports may come from several download threads at once.
/// </summary>
internal sealed class SetupProgressReporter : IProgress<Phi3SetupProgress>
{
    private const int BarWidth = 28;
    private static readonly TimeSpan s_redrawInterval = TimeSpan.FromMilliseconds(100);

    private readonly object _gate = new();
    private readonly TextWriter _error;
    private readonly bool _terminal;
    private DateTime _lastDraw = DateTime.MinValue;
    private int _lastDecile = -1;
    private bool _barOpen;

    public SetupProgressReporter(TextWriter error, bool terminal)
    {
        _error = error;
        _terminal = terminal;
    }

    public void Report(Phi3SetupProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            if (value.Download is { } download)
            {
                DrawBar(download);
                return;
            }

            if (value.Stage is Phi3SetupStage.Loading or Phi3SetupStage.Ready)
            {
                // The chat prints its own "ready" line; loading a local folder is quick and prints nothing.
                return;
            }

            CloseBar();
            _error.WriteLine(ConsoleStyle.Dim(value.Message));
        }
    }

    /// <summary>Ends the bar line, if one is open.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            CloseBar();
        }
    }

    internal static string FormatBar(DownloadProgress p)
    {
        double fraction = p.TotalBytes > 0 ? Math.Clamp((double)p.TotalBytesDownloaded / p.TotalBytes, 0, 1) : 0;
        int filled = (int)Math.Round(fraction * BarWidth);
        string eta = p.EstimatedTimeRemaining is { } left ? $"ETA {FormatTime(left)}" : "ETA --:--";
        string rate = p.BytesPerSecond > 0 ? $"{Size((long)p.BytesPerSecond)}/s" : "-- MB/s";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"[{new string('#', filled)}{new string('.', BarWidth - filled)}] {fraction * 100,3:0}%  {Size(p.TotalBytesDownloaded)}/{Size(p.TotalBytes)}  {rate}  {eta}  file {p.FilesCompleted}/{p.FileCount}");
    }

    private static string Size(long bytes) => bytes >= 1_000_000_000
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:0.00} GB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.0} MB");

    private static string FormatTime(TimeSpan time) => time.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)time.TotalHours}:{time.Minutes:00}:{time.Seconds:00}")
        : string.Create(CultureInfo.InvariantCulture, $"{time.Minutes}:{time.Seconds:00}");

    private void DrawBar(DownloadProgress p)
    {
        bool done = p.FileCount > 0 && p.FilesCompleted == p.FileCount;
        if (_terminal)
        {
            var now = DateTime.UtcNow;
            if (!done && now - _lastDraw < s_redrawInterval)
            {
                return;
            }

            _lastDraw = now;
            _error.Write($"\r{FormatBar(p)}\u001b[K");
            _barOpen = true;
            return;
        }

        int decile = done ? 10 : p.TotalBytes > 0 ? (int)(10 * p.TotalBytesDownloaded / p.TotalBytes) : 0;
        if (decile > _lastDecile)
        {
            _lastDecile = decile;
            _error.WriteLine(FormatBar(p));
        }
    }

    private void CloseBar()
    {
        if (_barOpen)
        {
            _error.WriteLine();
            _barOpen = false;
        }
    }
}
