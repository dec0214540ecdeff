using System.Globalization;
using Phi3.OnnxSdk.Hub;
using Phi3.OnnxSdk.Provisioning;
using Spectre.Console;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// Shows setup progress on stderr: the resolver's choice and other steps as lines; a download as a Spectre.Console
/// progress bar on a terminal (ended, with its line, before anything else is written) and as a line every 10% when
/// redirected. Reports may come from several download threads at once. Call <see cref="Complete"/> when setup ends.
/// </summary>
internal sealed class SetupProgressReporter : IProgress<Phi3SetupProgress>
{
    private const int BarWidth = 28;

    private readonly object _gate = new();
    private readonly CliConsole _console;
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _live;
    private ProgressTask? _bar;
    private int _lastDecile = -1;

    public SetupProgressReporter(CliConsole console) => _console = console;

    public void Report(Phi3SetupProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            if (value.Download is { } download)
            {
                if (_console.Styled)
                {
                    DrawLive(download);
                }
                else
                {
                    WriteDecile(download);
                }

                return;
            }

            if (value.Stage is Phi3SetupStage.Loading or Phi3SetupStage.Ready)
            {
                // The chat prints its own "Loaded ..." line.
                return;
            }
        }

        Complete();
        _console.Note(value.Message);
    }

    /// <summary>Ends the progress bar, if one is drawn, and writes the lines held while it was.</summary>
    public void Complete()
    {
        Task? live;
        lock (_gate)
        {
            live = _live;
            _live = null;
        }

        if (live is null)
        {
            return;
        }

        _finished.TrySetResult();
        live.GetAwaiter().GetResult();
        _console.EndLive();
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

    private static string Describe(DownloadProgress p) => $"file {p.FilesCompleted}/{p.FileCount}";

    private void DrawLive(DownloadProgress p)
    {
        if (_live is null && !_finished.Task.IsCompleted)
        {
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _console.BeginLive();
            _live = _console.ErrorConsole.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    _bar = context.AddTask(Describe(p), maxValue: Math.Max(1, p.TotalBytes));
                    started.TrySetResult();
                    await _finished.Task.ConfigureAwait(false);
                });
            started.Task.Wait(TimeSpan.FromSeconds(5));
        }

        if (_bar is { } bar)
        {
            bar.MaxValue = Math.Max(1, p.TotalBytes);
            bar.Value = p.TotalBytesDownloaded;
            bar.Description = Describe(p);
        }
    }

    private void WriteDecile(DownloadProgress p)
    {
        bool done = p.FileCount > 0 && p.FilesCompleted == p.FileCount;
        int decile = done ? 10 : p.TotalBytes > 0 ? (int)(10 * p.TotalBytesDownloaded / p.TotalBytes) : 0;
        if (decile > _lastDecile)
        {
            _lastDecile = decile;
            _console.Error.WriteLine(FormatBar(p));
        }
    }
}
