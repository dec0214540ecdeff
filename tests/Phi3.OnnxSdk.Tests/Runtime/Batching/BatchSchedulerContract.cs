using Phi3.OnnxSdk.Runtime.Batching;
using static Phi3.OnnxSdk.Tests.Runtime.Batching.BatchReference;

namespace Phi3.OnnxSdk.Tests.Runtime.Batching;

/// <summary>What every <see cref="IBatchScheduler"/> must do, checked the same way for each implementation.</summary>
internal static class BatchSchedulerContract
{
    /// <summary>Disposing (twice) mid-generation ends every open generation, and later submissions, with <see cref="ObjectDisposedException"/>.</summary>
    public static async Task DisposeWhileGeneratingAsync(IBatchScheduler scheduler)
    {
        var generations = Prompts.Select(p => scheduler.Submit(new BatchRequest(p, 4000))).ToList();
        await generations[0].Tokens.ReadAsync();

        scheduler.Dispose();
        scheduler.Dispose();

        foreach (var generation in generations)
        {
            await Assert.ThrowsAsync<ObjectDisposedException>(() => ReadAllAsync(generation.Tokens));
        }

        Assert.Throws<ObjectDisposedException>(() => scheduler.Submit(new BatchRequest(Prompts[0], 4)));
    }

    /// <summary>A request whose token is already cancelled streams nothing, and the next request gets <paramref name="expectedNext"/> (Prompts[0], 8 tokens).</summary>
    public static async Task AlreadyCancelledThenServesTheNextAsync(IBatchScheduler scheduler, int[] expectedNext)
    {
        var generation = scheduler.Submit(new BatchRequest(Prompts[0], 8), new CancellationToken(canceled: true));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ReadAllAsync(generation.Tokens));
        Assert.Equal(expectedNext, await ReadAllAsync(scheduler.Submit(new BatchRequest(Prompts[0], 8)).Tokens));
    }

    /// <summary>An empty prompt, a token limit of 0 and a null request are refused with argument exceptions.</summary>
    public static void RejectsInvalidRequests(IBatchScheduler scheduler)
    {
        Assert.Throws<ArgumentException>(() => scheduler.Submit(new BatchRequest([], 4)));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.Submit(new BatchRequest(Prompts[0], 0)));
        Assert.Throws<ArgumentNullException>(() => scheduler.Submit(null!));
    }
}
