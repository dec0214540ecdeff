using Microsoft.Extensions.Logging;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// Shows the SDK's warnings and errors on stderr as <c>warning: …</c> lines (for example "the hub could not be
/// reached, using the cached snapshot"); information and debug messages are dropped. Thread-safe.
/// </summary>
internal sealed class StderrWarningLogger : ILogger
{
    public static StderrWarningLogger Instance { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }

        string label = logLevel >= LogLevel.Error ? "error" : "warning";
        Console.Error.WriteLine(ConsoleStyle.Dim($"{label}: {formatter(state, exception)}"));
    }
}
