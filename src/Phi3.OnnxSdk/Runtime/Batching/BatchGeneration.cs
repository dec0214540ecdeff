using System.Threading.Channels;

namespace Phi3.OnnxSdk.Runtime.Batching;

/// <summary>
/// A submitted request's results: its tokens as they are generated, and how it ended. Thread-safe; one
/// reader is expected.
/// </summary>
internal sealed class BatchGeneration
{
    internal BatchGeneration(ChannelReader<int> tokens, Task<BatchFinishReason> completion)
    {
        Tokens = tokens;
        Completion = completion;
    }

    /// <summary>
    /// Gets the generated tokens. The channel completes when the generation ends; reading fails with
    /// <see cref="OperationCanceledException"/> after cancellation, <see cref="ObjectDisposedException"/>
    /// when the scheduler is disposed first, or <see cref="InvalidOperationException"/> when the engine fails.
    /// </summary>
    public ChannelReader<int> Tokens { get; }

    /// <summary>Gets a task that completes with the finish reason, or faults/cancels like <see cref="Tokens"/>.</summary>
    public Task<BatchFinishReason> Completion { get; }
}
