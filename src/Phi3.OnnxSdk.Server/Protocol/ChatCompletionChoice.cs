using System.Text.Json.Serialization;

namespace Phi3.OnnxSdk.Server.Protocol;

/// <summary>The one choice of a chat completion.</summary>
internal sealed class ChatCompletionChoice
{
    public int Index { get; init; }

    public required ChatCompletionMessage Message { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? FinishReason { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public object? Logprobs { get; init; }
}
