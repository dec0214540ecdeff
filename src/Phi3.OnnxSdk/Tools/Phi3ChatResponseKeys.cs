namespace Phi3.OnnxSdk;

/// <summary>
/// Keys that <see cref="Phi3ChatClient"/> sets in <see cref="Microsoft.Extensions.AI.ChatResponseUpdate.AdditionalProperties"/>
/// and <see cref="Microsoft.Extensions.AI.ChatResponse.AdditionalProperties"/>.
/// </summary>
public static class Phi3ChatResponseKeys
{
    /// <summary>
    /// Set when the answer started a tool call that did not finish (cut off by <c>MaxOutputTokens</c>, the context, or a
    /// stop sequence): the value is the unfinished call text (<see cref="string"/>), which is left out of the answer's
    /// text and never becomes a <see cref="Microsoft.Extensions.AI.FunctionCallContent"/>. The finish reason says
    /// why the turn ended (<see cref="Microsoft.Extensions.AI.ChatFinishReason.Length"/> for the token limit).
    /// Raise the limit, or lower what the call may hold, and send the request again.
    /// </summary>
    public const string IncompleteToolCall = "phi3.incomplete_tool_call";

    /// <summary>
    /// Set when the answer held tool calls whose arguments break the tool's parameter schema and
    /// <see cref="Phi3ChatClientOptions.InvalidToolCalls"/> is <see cref="Phi3InvalidToolCalls.Drop"/> (the default):
    /// the value is a <see cref="string"/> with one line per dropped call, its JSON
    /// (<c>{"name":...,"arguments":{...}}</c>), a colon and its violations. Those calls are not in the answer's contents,
    /// so <c>FunctionInvokingChatClient</c> never invokes them; the valid calls of the same answer are kept.
    /// </summary>
    public const string InvalidToolCalls = "phi3.invalid_tool_calls";

    /// <summary>
    /// Set when a JSON answer breaks the response format's schema (<see cref="Microsoft.Extensions.AI.ChatResponseFormat.ForJsonSchema(System.Text.Json.JsonElement, string?, string?)"/>)
    /// in a keyword the grammar could not enforce (a <c>format</c>, <c>not</c>, a schema guidance could not compile;
    /// see docs/tool-calling.md): the value is a <see cref="string"/> with one violation per line, e.g.
    /// <c>/url: does not satisfy "format":"uri"</c>. The answer's text is returned unchanged; a turn cut off by the token
    /// limit or a stop sequence is not checked (its JSON is unfinished).
    /// </summary>
    public const string ResponseFormatViolations = "phi3.response_format_violations";
}
