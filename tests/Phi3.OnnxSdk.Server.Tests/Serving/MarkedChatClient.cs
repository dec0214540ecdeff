using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Server.Tests.Serving;

/// <summary>A <see cref="FixedChatClient"/> whose answer (and last streamed update) carries the given additional properties, as Phi3ChatClient's markers.</summary>
internal sealed class MarkedChatClient(IReadOnlyList<AIContent> contents, AdditionalPropertiesDictionary properties) : DelegatingChatClient(new FixedChatClient(contents))
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken);
        response.AdditionalProperties = properties;
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            if (update.FinishReason is not null)
            {
                update.AdditionalProperties = properties;
            }

            yield return update;
        }
    }
}
