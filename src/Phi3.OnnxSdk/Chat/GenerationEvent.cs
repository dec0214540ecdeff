using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Chat;

/// <summary>What the generation worker hands to the streaming iterator: text, and at the end the finish reason and counts.</summary>
internal readonly record struct GenerationEvent(string Text, ChatFinishReason? FinishReason, int InputTokens, int OutputTokens, IReadOnlyList<FunctionCallContent>? Calls = null)
{
    public bool IsFinal => FinishReason is not null;
}
