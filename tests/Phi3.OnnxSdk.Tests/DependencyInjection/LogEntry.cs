using Microsoft.Extensions.Logging;

namespace Phi3.OnnxSdk.Tests.DependencyInjection;

/// <summary>One captured log entry, with the states of the scopes it was written in (innermost first).</summary>
internal sealed record LogEntry(string Category, LogLevel Level, int EventId, string Message, Exception? Exception, IReadOnlyList<object>? Scopes = null);
