using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Server.TestHost;

/// <summary>
/// Streams "first", then waits until this process receives SIGTERM, then streams "second" and finishes with
/// <see cref="ChatFinishReason.Length"/>: a stream that is in progress, for certain, when the drain begins.
/// </summary>
internal sealed class SignalGatedChatClient : IChatClient
{
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PosixSignalRegistration _registration;

    public SignalGatedChatClient() =>
        // Observes the signal only: the host's own handler still cancels the default exit and starts the drain.
        _registration = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => _terminated.TrySetResult());

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "first second")) { FinishReason = ChatFinishReason.Length });

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return new ChatResponseUpdate(ChatRole.Assistant, "first");
        await _terminated.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);

        // A little generation after the signal, as a model would still be writing.
        await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        yield return new ChatResponseUpdate(ChatRole.Assistant, " second");
        yield return new ChatResponseUpdate { FinishReason = ChatFinishReason.Length };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() => _registration.Dispose();
}
