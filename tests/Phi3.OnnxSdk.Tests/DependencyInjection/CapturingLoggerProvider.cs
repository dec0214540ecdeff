using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Phi3.OnnxSdk.Tests.DependencyInjection;

/// <summary>An <see cref="ILoggerProvider"/> that keeps every entry of every category, with the scopes it was written in.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly AsyncLocal<Scope?> _scope = new();

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
            where TState : notnull
        {
            var scope = new Scope(state, owner._scope.Value, owner);
            owner._scope.Value = scope;
            return scope;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<object>();
            for (var scope = owner._scope.Value; scope is not null; scope = scope.Parent)
            {
                scopes.Add(scope.State);
            }

            owner.Entries.Enqueue(new LogEntry(category, logLevel, eventId.Id, formatter(state, exception), exception, scopes));
        }
    }

    private sealed class Scope(object state, Scope? parent, CapturingLoggerProvider owner) : IDisposable
    {
        public object State => state;

        public Scope? Parent => parent;

        public void Dispose() => owner._scope.Value = parent;
    }
}
