using System.Text.Json.Serialization;

namespace Phi3.OnnxSdk.Server.Protocol;

/// <summary>The choice of one chunk: a delta, and the finish reason on the last one.</summary>
internal sealed class ChatCompletionChunkChoice
{
    public int Index { get; init; }

    public required ChatCompletionDelta Delta { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? FinishReason { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public object? Logprobs { get; init; }
}
