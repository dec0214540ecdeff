namespace Phi3.OnnxSdk.Server.Protocol;

/// <summary>What one chunk adds: the role (first chunk), a text piece, or tool calls.</summary>
internal sealed class ChatCompletionDelta
{
    public string? Role { get; init; }

    public string? Content { get; init; }

    public IReadOnlyList<ToolCall>? ToolCalls { get; init; }
}
