using Microsoft.Extensions.Logging;

namespace Phi3.OnnxSdk.Cli;

/// <summary>What a command's action works with: the console, Ctrl+C handling and the SDK's warning logger.</summary>
internal sealed class CliContext
{
    public CliContext(CliConsole console, InterruptHandler interrupts)
    {
        Console = console;
        Interrupts = interrupts;
        Logger = new StderrWarningLogger(console);
    }

    public CliConsole Console { get; }

    public InterruptHandler Interrupts { get; }

    /// <summary>Gets the logger that shows the SDK's warnings on stderr.</summary>
    public ILogger Logger { get; }

    /// <summary>Runs <paramref name="work"/> so that Ctrl+C cancels it (and not the program).</summary>
    public async Task<T> RunCancellableAsync<T>(Func<CancellationToken, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var token = Interrupts.Begin();
        try
        {
            return await work(token).ConfigureAwait(false);
        }
        finally
        {
            Interrupts.End();
        }
    }
}
