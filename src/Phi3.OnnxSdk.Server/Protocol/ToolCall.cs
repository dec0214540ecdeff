namespace Phi3.OnnxSdk.Server.Protocol;

/// <summary>A tool call, whole (in a completion) or as a stream delta (with <see cref="Index"/>).</summary>
internal sealed class ToolCall
{
    public int? Index { get; init; }

    public required string Id { get; init; }

    public string Type { get; init; } = "function";

    public required FunctionCall Function { get; init; }
}
