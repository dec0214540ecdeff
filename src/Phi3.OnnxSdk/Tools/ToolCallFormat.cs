using System.Text.Json.Nodes;

namespace Phi3.OnnxSdk.Tools;

/// <summary>
/// The text format of Phi-3 tool calls in this SDK (see <c>docs/tool-calling.md</c>): the assistant turn is either a
/// plain answer, or <see cref="CallMarker"/> followed by a compact JSON array of
/// <c>{"name": ..., "arguments": {...}}</c> objects. Tool results go back to the model as a user turn of
/// <see cref="ResultOpen"/> JSON <see cref="ResultClose"/> blocks.
/// </summary>
internal static class ToolCallFormat
{
    /// <summary>The text that starts a tool-call turn.</summary>
    public const string CallMarker = "<tool_call>";

    /// <summary>The text that opens one tool result.</summary>
    public const string ResultOpen = "<tool_response>";

    /// <summary>The text that closes one tool result.</summary>
    public const string ResultClose = "</tool_response>";

    /// <summary>The most calls one assistant turn may hold (parallel calls), unless a caller asks for fewer.</summary>
    public const int DefaultMaxParallelCalls = 4;

    /// <summary>
    /// The llguidance JSON options added to every schema the SDK hands to guidance: compact separators and no free
    /// whitespace. With flexible whitespace a weak or random model can emit whitespace forever, and compact JSON also
    /// costs fewer tokens. <c>coerce_one_of</c> lets guidance compile a <c>oneOf</c> whose branches it cannot prove
    /// disjoint, as <c>anyOf</c> (the "exactly one" part is checked after parsing, see <see cref="SchemaRelaxer"/>).
    /// </summary>
    public static JsonObject CreateGuidanceJsonOptions() => new()
    {
        ["whitespace_flexible"] = false,
        ["item_separator"] = ",",
        ["key_separator"] = ":",
        ["coerce_one_of"] = true,
    };
}
