using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Chat;

/// <summary>Builds the <see cref="ChatResponse"/> of <see cref="Phi3ChatClient.GetResponseAsync"/> from its streamed updates.</summary>
internal static class ChatResponseAssembler
{
    /// <summary>
    /// Gathers the updates (as <see cref="ChatResponseExtensions.ToChatResponseAsync"/> does) into a response whose
    /// <see cref="ChatResponse.RawRepresentation"/> holds every generated token id (the updates' <see cref="int"/>[]s end
    /// to end), and whose <see cref="ChatResponse.AdditionalProperties"/> carry the final update's
    /// <see cref="Phi3ChatResponseKeys.IncompleteToolCall"/>, <see cref="Phi3ChatResponseKeys.InvalidToolCalls"/> and
    /// <see cref="Phi3ChatResponseKeys.ResponseFormatViolations"/>.
    /// </summary>
    public static async Task<ChatResponse> ToResponseAsync(IAsyncEnumerable<ChatResponseUpdate> stream, CancellationToken cancellationToken)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in stream.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            updates.Add(update);
        }

        var response = updates.ToChatResponse();
        response.RawRepresentation = updates.SelectMany(u => u.RawRepresentation as int[] ?? []).ToArray();
        foreach (string key in (ReadOnlySpan<string>)[Phi3ChatResponseKeys.IncompleteToolCall, Phi3ChatResponseKeys.InvalidToolCalls, Phi3ChatResponseKeys.ResponseFormatViolations])
        {
            if (updates.Count > 0 && updates[^1].AdditionalProperties?.TryGetValue(key, out object? value) == true)
            {
                (response.AdditionalProperties ??= [])[key] = value;
            }
        }

        return response;
    }
}
