using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Phi3.OnnxSdk.Tests.DependencyInjection;

/// <summary>An <see cref="ILoggerProvider"/> that keeps every entry of every category.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public IReadOnlyList<LogEntry> From(string categorySuffix) =>
        [.. Entries.Where(e => e.Category.EndsWith(categorySuffix, StringComparison.Ordinal))];

    public int Count(string messageStart) => Entries.Count(e => e.Message.StartsWith(messageStart, StringComparison.Ordinal));

    public override string ToString() => string.Join(Environment.NewLine, Entries.Select(e => $"{e.Level} {e.Category}: {e.Message}"));

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue(new LogEntry(category, logLevel, eventId.Id, formatter(state, exception), exception));
    }
}
