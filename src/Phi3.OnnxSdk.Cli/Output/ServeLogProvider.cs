using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// The log of <c>phi3 serve</c> on stderr: one line per entry, <c>HH:mm:ss level: message</c>, an exception as its
/// message only (the stack trace is for a debugger, not a terminal). The server never puts keys in its messages.
/// Thread-safe: requests log from many threads.
/// </summary>
internal sealed class ServeLogProvider : ILoggerProvider
{
    private readonly TextWriter _error;
    private readonly object _gate = new();

    public ServeLogProvider(TextWriter error) => _error = error;

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
        lock (_gate)
        {
            _error.Flush();
        }
    }

    private void Write(LogLevel level, string message, Exception? exception)
    {
        string name = level switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
        string why = exception is null || message.Contains(exception.Message, StringComparison.Ordinal) ? string.Empty : $": {exception.Message}";
        string line = ErrorText.OneLine(message + why);
        lock (_gate)
        {
            _error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTime.Now:HH:mm:ss} {name}: {line}"));
            _error.Flush();
        }
    }

    private sealed class Logger(ServeLogProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (IsEnabled(logLevel))
            {
                provider.Write(logLevel, formatter(state, exception), exception);
            }
        }
    }
}
