namespace Phi3.OnnxSdk.Runtime.Batching;

/// <summary>Runs many generations at once, decoding them in shared model steps. Implementations are thread-safe.</summary>
internal interface IBatchScheduler : IDisposable
{
    /// <summary>Gets the most generations decoded in one batch.</summary>
    int MaxBatchSize { get; }

    /// <summary>Queues a generation; its tokens stream once it is admitted into a batch.</summary>
    /// <exception cref="ArgumentException">The prompt is empty or the token limit is not positive.</exception>
    /// <exception cref="ObjectDisposedException">The scheduler is disposed.</exception>
    BatchGeneration Submit(BatchRequest request, CancellationToken cancellationToken = default);
}
