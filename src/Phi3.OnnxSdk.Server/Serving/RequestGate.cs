using System.Threading.RateLimiting;

namespace Phi3.OnnxSdk.Server.Serving;

/// <summary>
/// The concurrency and queue limits of chat completions: a <see cref="ConcurrencyLimiter"/> whose permits are the running
/// requests and whose queue is the waiting ones (oldest first). A request that finds the queue full is refused at once.
/// Thread-safe.
/// </summary>
internal sealed class RequestGate : IDisposable
{
    private readonly ConcurrencyLimiter _limiter;

    public RequestGate(int maxConcurrent, int maxQueued)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrent, 1, nameof(Phi3OpenAIEndpointOptions.MaxConcurrentRequests));
        ArgumentOutOfRangeException.ThrowIfNegative(maxQueued, nameof(Phi3OpenAIEndpointOptions.MaxQueuedRequests));
        MaxConcurrent = maxConcurrent;
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = maxConcurrent,
            QueueLimit = maxQueued,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public int MaxConcurrent { get; }

    /// <summary>Gets how many requests wait for a slot now.</summary>
    public long Queued => _limiter.GetStatistics()?.CurrentQueuedCount ?? 0;

    /// <summary>Waits for a slot; the lease is not acquired when the queue was full. Dispose the lease to free the slot.</summary>
    public ValueTask<RateLimitLease> EnterAsync(CancellationToken cancellationToken) => _limiter.AcquireAsync(1, cancellationToken);

    public void Dispose() => _limiter.Dispose();
}
