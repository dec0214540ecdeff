namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// Ctrl+C (SIGINT) handling. While an operation runs (an answer, a download, a load) Ctrl+C cancels it and the app
/// goes on. While idle, the first Ctrl+C prints a hint and a second one exits (the runtime ends the process with
/// 130). Starting an operation disarms the hint.
/// </summary>
internal sealed class InterruptHandler : IDisposable
{
    private readonly object _gate = new();
    private readonly CliConsole _console;
    private CancellationTokenSource? _current;
    private bool _armed;

    public InterruptHandler(CliConsole console)
    {
        _console = console;
        Console.CancelKeyPress += OnCancelKeyPress;
    }

    /// <summary>Starts an operation that Ctrl+C cancels; <see cref="End"/> must follow.</summary>
    public CancellationToken Begin()
    {
        lock (_gate)
        {
            _current?.Dispose();
            _current = new CancellationTokenSource();
            _armed = false;
            return _current.Token;
        }
    }

    /// <summary>Ends the operation that <see cref="Begin"/> started.</summary>
    public void End()
    {
        lock (_gate)
        {
            _current?.Dispose();
            _current = null;
        }
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        End();
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        CancellationTokenSource? running;
        lock (_gate)
        {
            running = _current;
        }

        if (running is not null)
        {
            // An operation runs (or is winding down after the first Ctrl+C): cancel it, keep the app.
            // Cancel outside the lock: token callbacks run here, and End() must not wait for them.
            e.Cancel = true;
            try
            {
                running.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The operation ended meanwhile.
            }

            return;
        }

        lock (_gate)
        {
            if (!_armed)
            {
                e.Cancel = true;
                _armed = true;
                _console.Error.WriteLine();
                _console.Note("(Ctrl+C again or /exit to quit)");
                return;
            }

            e.Cancel = false;
        }
    }
}
