using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Chat;

/// <summary>
/// What the generation worker hands to the streaming iterator: text and the token ids generated since the last event,
/// and at the end the finish reason, counts, calls, an unfinished call left out of the text and
/// the calls dropped for arguments that break their schema, and how a JSON answer breaks the response format's schema.
/// </summary>
internal readonly record struct GenerationEvent(string Text, ChatFinishReason? FinishReason, int InputTokens, int OutputTokens, IReadOnlyList<FunctionCallContent>? Calls = null, int[]? TokenIds = null, string? IncompleteCall = null, string? InvalidCalls = null, string? FormatViolations = null)
{
    public bool IsFinal => FinishReason is not null;
}
