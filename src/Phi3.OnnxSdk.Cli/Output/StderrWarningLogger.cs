using Microsoft.Extensions.Logging;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// Shows the SDK's warnings and errors on stderr as <c>warning: …</c> lines (for example "the hub could not be
/// reached, using the cached snapshot"); information and debug messages are dropped. Thread-safe.
/// </summary>
internal sealed class StderrWarningLogger : ILogger
{
    private readonly CliConsole _console;

    public StderrWarningLogger(CliConsole console) => _console = console;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (IsEnabled(logLevel))
        {
            _console.Warn(formatter(state, exception));
        }
    }
}
