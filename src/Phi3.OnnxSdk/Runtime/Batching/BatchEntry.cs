using System.Threading.Channels;
using Phi3.OnnxSdk.Runtime.Native;

namespace Phi3.OnnxSdk.Runtime.Batching;

/// <summary>The scheduler's state for one submitted request. Native members are touched on the engine thread only.</summary>
internal sealed class BatchEntry
{
    private readonly Channel<int> _tokens = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly TaskCompletionSource<BatchFinishReason> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _finished;

    public BatchEntry(BatchRequest request, CancellationToken cancellationToken)
    {
        Request = request;
        CancellationToken = cancellationToken;
        Generation = new BatchGeneration(_tokens.Reader, _completion.Task);
    }

    public BatchRequest Request { get; }

    public CancellationToken CancellationToken { get; }

    public BatchGeneration Generation { get; }

    public CancellationTokenRegistration Registration { get; set; }

    /// <summary>Gets or sets the native request (engine thread only).</summary>
    public OgaRequestHandle? Handle { get; set; }

    /// <summary>Gets or sets the begun turn's id (engine thread only).</summary>
    public ulong TurnId { get; set; }

    public bool IsFinished => Volatile.Read(ref _finished) != 0;

    public void Write(int token) => _tokens.Writer.TryWrite(token);

    public void Complete(BatchFinishReason reason)
    {
        if (Interlocked.Exchange(ref _finished, 1) == 0)
        {
            _tokens.Writer.TryComplete();
            _completion.TrySetResult(reason);
            Registration.Dispose();
        }
    }

    public void Cancel()
    {
        if (Interlocked.Exchange(ref _finished, 1) == 0)
        {
            var canceled = new OperationCanceledException(CancellationToken);
            _tokens.Writer.TryComplete(canceled);
            _completion.TrySetCanceled(CancellationToken);
            Registration.Dispose();
        }
    }

    public void Fail(Exception exception)
    {
        if (Interlocked.Exchange(ref _finished, 1) == 0)
        {
            _tokens.Writer.TryComplete(exception);
            _completion.TrySetException(exception);
            Registration.Dispose();
        }
    }
}
