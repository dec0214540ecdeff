using Microsoft.Extensions.Logging;

namespace Phi3.OnnxSdk.Tests.DependencyInjection;

/// <summary>One captured log entry.</summary>
internal sealed record LogEntry(string Category, LogLevel Level, int EventId, string Message, Exception? Exception);
