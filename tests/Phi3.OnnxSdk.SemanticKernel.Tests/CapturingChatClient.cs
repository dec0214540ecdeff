using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.SemanticKernel.Tests;

/// <summary>Middleware that records what reaches the Phi-3 client (messages, options) and the usage it answered with.</summary>
internal sealed class CapturingChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    public ConcurrentQueue<CapturedCall> Calls { get; } = new();

    public CapturedCall Last => Calls.Last();

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        var response = await base.GetResponseAsync(list, options, cancellationToken);
        Calls.Enqueue(new CapturedCall(list, options?.Clone(), response.Usage, response.Text));
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in base.GetStreamingResponseAsync(list, options, cancellationToken))
        {
            updates.Add(update);
            yield return update;
        }

        var response = updates.ToChatResponse();
        Calls.Enqueue(new CapturedCall(list, options?.Clone(), response.Usage, response.Text));
    }
}
