using Microsoft.Extensions.Logging;

namespace Phi3.OnnxSdk.Server.Serving;

/// <summary>Log messages of the endpoints and the host. No message carries a key, a token or message content.</summary>
internal static partial class ServerLog
{
    private static readonly Func<ILogger, string, IDisposable?> s_requestScope = LoggerMessage.DefineScope<string>("RequestId:{RequestId}");

    /// <summary>Starts the scope of one request: a structured <c>RequestId</c> value (and the text <c>RequestId:ID</c>).</summary>
    public static IDisposable? RequestScope(ILogger logger, string requestId) => s_requestScope(logger, requestId);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Request {RequestId}: {Method} {Path}")]
    public static partial void RequestStarted(ILogger logger, string requestId, string method, string path);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Request {RequestId}: {Status} in {Milliseconds:F0} ms")]
    public static partial void RequestFinished(ILogger logger, string requestId, int status, double milliseconds);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "Request {RequestId}: {Model}, stream {Stream}, {PromptTokens} prompt + {CompletionTokens} completion tokens, finish {FinishReason}")]
    public static partial void Completed(ILogger logger, string requestId, string model, bool stream, long promptTokens, long completionTokens, string finishReason);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Information, Message = "Request {RequestId}: the client disconnected; its generation was cancelled")]
    public static partial void ClientDisconnected(ILogger logger, string requestId);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Warning, Message = "Request {RequestId}: {Status} {Code}: {Message}")]
    public static partial void Rejected(ILogger logger, string requestId, int status, string? code, string message);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Error, Message = "Request {RequestId}: the chat client failed")]
    public static partial void Failed(ILogger logger, string requestId, Exception exception);

    [LoggerMessage(EventId = 7007, Level = LogLevel.Warning, Message = "Request {RequestId}: missing or wrong API key")]
    public static partial void Unauthorized(ILogger logger, string requestId);

    [LoggerMessage(EventId = 7008, Level = LogLevel.Error, Message = "Loading the served model failed; /health answers 503 and the next request tries again")]
    public static partial void LoadFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7009, Level = LogLevel.Information, Message = "phi3 serve listening on {Url} (API key {KeyState}, model {Model})")]
    public static partial void Listening(ILogger logger, string url, string keyState, string model);

    [LoggerMessage(EventId = 7011, Level = LogLevel.Warning, Message = "Request {RequestId}: the field '{Field}' is not known to this server and is ignored (logged once per field name)")]
    public static partial void UnknownFieldIgnored(ILogger logger, string requestId, string field);

    [LoggerMessage(EventId = 7012, Level = LogLevel.Warning, Message = "The app listens on {Address}, beyond this machine, and the OpenAI-compatible endpoints require no API key: anyone who can reach it can use the model. Set Phi3OpenAIEndpointOptions.ApiKey, or listen on loopback only")]
    public static partial void OpenWithoutKey(ILogger logger, string address);

    [LoggerMessage(EventId = 7013, Level = LogLevel.Warning, Message = "Request {RequestId}: the answer carries {Markers}: a tool call whose arguments break its schema (sent as a tool call when the client returns it, absent when it drops it), a cut-off tool call, or JSON that breaks the response format's schema; the client must validate (docs/scale-out.md)")]
    public static partial void AnswerMarkers(ILogger logger, string requestId, string markers);

    [LoggerMessage(EventId = 7010, Level = LogLevel.Information, Message = "phi3 serve stopping: draining requests in progress (up to {Seconds:F0} s)")]
    public static partial void Draining(ILogger logger, double seconds);
}
