using Phi3.OnnxSdk.Runtime.Batching;
using Phi3.OnnxSdk.SyntheticModels;
using static Phi3.OnnxSdk.Tests.Runtime.Batching.BatchReference;

namespace Phi3.OnnxSdk.Tests.Runtime.Batching;

public sealed class BatchingSchedulerTests : IDisposable
{

    private readonly Phi3Model _model = new(TestModelCache.GetOrBuild("tiny"));

    public void Dispose() => _model.Dispose();

    [Fact]
    public async Task Submit_GreedyPromptsOfDifferentLengths_MatchSingleGenerator()
    {
        using var scheduler = BatchingScheduler.Create(_model);
        var generations = Prompts.Take(4).Select(p => scheduler.Submit(new BatchRequest(p, 12))).ToList();

        for (int i = 0; i < generations.Count; i++)
        {
            Assert.Equal(Reference(Prompts[i], 12), await ReadAllAsync(generations[i].Tokens));
        }
    }

    [Fact]
    public async Task Submit_MoreRequestsThanMaxBatch_AllMatchSingleGenerator()
    {
        using var scheduler = BatchingScheduler.Create(_model);
        Assert.Equal(4, scheduler.MaxBatchSize);
        var generations = Prompts.Select(p => scheduler.Submit(new BatchRequest(p, 8))).ToList();

        for (int i = 0; i < generations.Count; i++)
        {
            Assert.Equal(Reference(Prompts[i], 8), await ReadAllAsync(generations[i].Tokens));
            Assert.Equal(BatchFinishReason.Length, await generations[i].Completion);
        }
    }

    [Fact]
    public async Task Submit_OneRequestCancelledMidBatch_OthersStillMatchSingleGenerator()
    {
        using var scheduler = BatchingScheduler.Create(_model);
        using var cts = new CancellationTokenSource();
        var generations = Prompts.Take(4).Select((p, i) => scheduler.Submit(new BatchRequest(p, i == 1 ? 4000 : 24), i == 1 ? cts.Token : default)).ToList();

        int first = await generations[1].Tokens.ReadAsync();
        Assert.Equal(Reference(Prompts[1], 1)[0], first);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ReadAllAsync(generations[1].Tokens));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generations[1].Completion);
        foreach (int i in new[] { 0, 2, 3 })
        {
            Assert.Equal(Reference(Prompts[i], 24), await ReadAllAsync(generations[i].Tokens));
        }
    }

    [Fact]
    public async Task Submit_AlreadyCancelledToken_CancelsWithoutTokens()
    {
        using var scheduler = BatchingScheduler.Create(_model);
        await BatchSchedulerContract.AlreadyCancelledThenServesTheNextAsync(scheduler, Reference(Prompts[0], 8));
    }

    [Fact]
    public Task Dispose_WhileGenerating_EndsOpenGenerationsWithObjectDisposed() =>
        BatchSchedulerContract.DisposeWhileGeneratingAsync(BatchingScheduler.Create(_model));

    [Fact]
    public async Task Submit_SessionLongerThanModelMaxLength_FailsWithArgumentException()
    {
        using var scheduler = BatchingScheduler.Create(_model);
        var generation = scheduler.Submit(new BatchRequest(Prompts[0], 10_000));

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => generation.Completion);
        Assert.Contains("rejected", ex.Message);
        Assert.Equal(Reference(Prompts[1], 4), await ReadAllAsync(scheduler.Submit(new BatchRequest(Prompts[1], 4)).Tokens));
    }

    [Fact]
    public async Task Submit_SamplingNotAllowedWithGreedy_FailsWithArgumentException()
    {
        using var scheduler = BatchingScheduler.Create(_model);
        var generation = scheduler.Submit(new BatchRequest(Prompts[0], 4, new BatchSamplingOptions { DoSample = false, Temperature = 0.5f }));

        await Assert.ThrowsAsync<ArgumentException>(() => generation.Completion);
    }

    [Fact]
    public async Task Submit_SamplingTopKOne_MatchesGreedy()
    {
        using var scheduler = BatchingScheduler.Create(_model);
        var generation = scheduler.Submit(new BatchRequest(Prompts[2], 8, new BatchSamplingOptions { DoSample = true, TopK = 1 }));

        Assert.Equal(Reference(Prompts[2], 8), await ReadAllAsync(generation.Tokens));
    }

    [Fact]
    public void Submit_InvalidRequest_ThrowsArgumentException()
    {
        using var scheduler = BatchingScheduler.Create(_model);
        BatchSchedulerContract.RejectsInvalidRequests(scheduler);
    }

    [Fact]
    public void Create_DisposedModel_ThrowsObjectDisposedException()
    {
        var model = new Phi3Model(TestModelCache.GetOrBuild("tiny"));
        model.Dispose();

        Assert.Throws<ObjectDisposedException>(() => BatchingScheduler.Create(model));
    }

    [Fact]
    public async Task Submit_ModelDisposedAfterCreate_StillGenerates()
    {
        var model = new Phi3Model(TestModelCache.GetOrBuild("tiny"));
        using var scheduler = BatchingScheduler.Create(model);
        model.Dispose();

        Assert.Equal(Reference(Prompts[3], 6), await ReadAllAsync(scheduler.Submit(new BatchRequest(Prompts[3], 6)).Tokens));
    }

    private int[] Reference(int[] prompt, int newTokens) => Greedy(_model.NativeModel, prompt, newTokens);
}
