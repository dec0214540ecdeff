using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Server.Tests.Serving;

/// <summary>Passes calls through and records how each streamed generation ended: completed, or cancelled after how many updates.</summary>
internal sealed class RecordingChatClient : DelegatingChatClient
{
    public RecordingChatClient(IChatClient inner)
        : base(inner)
    {
    }

    /// <summary>Gets one entry per finished stream: whether it was cancelled, and its update count.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(bool Cancelled, int Updates)> Streams { get; } = new();

    /// <summary>Gets a signal set when a stream has produced its first update.</summary>
    public TaskCompletionSource FirstUpdate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets a signal set when a stream has ended.</summary>
    public TaskCompletionSource StreamEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets the options of the last call.</summary>
    public ChatOptions? LastOptions { get; private set; }

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        LastOptions = options;
        return base.GetResponseAsync(messages, options, cancellationToken);
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        LastOptions = options;
        int updates = 0;
        try
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken))
            {
                updates++;
                FirstUpdate.TrySetResult();
                yield return update;
            }
        }
        finally
        {
            Streams.Enqueue((cancellationToken.IsCancellationRequested, updates));
            StreamEnded.TrySetResult();
        }
    }
}
