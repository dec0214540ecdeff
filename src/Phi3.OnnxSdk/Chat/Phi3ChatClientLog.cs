using Microsoft.Extensions.Logging;

namespace Phi3.OnnxSdk.Chat;

/// <summary>Log messages of <see cref="Phi3ChatClient"/> (each written once per client and cause, see <see cref="RequestDiagnostics"/>).</summary>
internal static partial class Phi3ChatClientLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Debug, Message = "ChatOptions.{Option} is ignored: {Reason}")]
    public static partial void OptionIgnored(ILogger logger, string option, string reason);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Debug, Message = "ChatOptions.ModelId '{Requested}' is ignored: this client runs the model it loaded, '{Loaded}', and reports that id")]
    public static partial void ModelIdIgnored(ILogger logger, string requested, string loaded);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Debug, Message = "The schema of {Owner} has \"{Keyword}\" at '{Location}', which guidance does not enforce: it is described to the model and checked after parsing")]
    public static partial void SchemaKeywordRelaxed(ILogger logger, string owner, string keyword, string location);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Warning, Message = "The parameter schema of tool '{Tool}' does not compile for guidance ({Error}); the grammar enforces it as {Fallback}, the model is shown the whole schema and calls are checked after parsing")]
    public static partial void ToolSchemaRelaxed(ILogger logger, string tool, string fallback, string error);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Warning, Message = "Tool '{Tool}' is left out of the request: {Reason}")]
    public static partial void ToolSkipped(ILogger logger, string tool, string reason);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Warning, Message = "The JSON response-format schema does not compile for guidance ({Error}); the grammar enforces it as {Fallback}, the model is shown the whole schema and the answer is checked after generation")]
    public static partial void ResponseFormatRelaxed(ILogger logger, string fallback, string error);
}
