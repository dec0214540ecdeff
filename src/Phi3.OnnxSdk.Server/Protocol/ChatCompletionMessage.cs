using System.Text.Json.Serialization;

namespace Phi3.OnnxSdk.Server.Protocol;

/// <summary>The assistant message of a completion: text, or tool calls with <c>content: null</c>.</summary>
internal sealed class ChatCompletionMessage
{
    public string Role { get; init; } = "assistant";

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Content { get; init; }

    public IReadOnlyList<ToolCall>? ToolCalls { get; init; }
}
