using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Server.Tests.Serving;

/// <summary>A chat client that answers every request with the same contents (streamed one content per update), or throws the given exception.</summary>
internal sealed class FixedChatClient : IChatClient
{
    private readonly IReadOnlyList<AIContent> _contents;
    private readonly Exception? _failure;

    public FixedChatClient(IReadOnlyList<AIContent> contents, Exception? failure = null)
    {
        _contents = contents;
        _failure = failure;
    }

    /// <summary>Gets the messages of the last call.</summary>
    public IReadOnlyList<ChatMessage>? LastMessages { get; private set; }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        LastMessages = [.. messages];
        return _failure is not null
            ? Task.FromException<ChatResponse>(_failure)
            : Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, [.. _contents])) { FinishReason = ChatFinishReason.Stop });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        LastMessages = [.. messages];
        await Task.Yield();
        if (_failure is not null)
        {
            throw _failure;
        }

        foreach (var content in _contents)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, [content]);
        }

        yield return new ChatResponseUpdate { FinishReason = ChatFinishReason.Stop };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
