using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Phi3.OnnxSdk.Tests.Hub;

/// <summary>Keeps every formatted log message and its structured values.</summary>
internal sealed class CapturingLogger : ILogger
{
    public ConcurrentQueue<string> Messages { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
        Messages.Enqueue($"{logLevel}: {formatter(state, exception)} [{values}] {exception}");
    }
}
