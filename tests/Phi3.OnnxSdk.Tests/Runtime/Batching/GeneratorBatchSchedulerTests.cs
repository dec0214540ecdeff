using Phi3.OnnxSdk.Runtime.Batching;
using Phi3.OnnxSdk.SyntheticModels;
using static Phi3.OnnxSdk.Tests.Runtime.Batching.BatchReference;

namespace Phi3.OnnxSdk.Tests.Runtime.Batching;

public sealed class GeneratorBatchSchedulerTests : IDisposable
{
    private const int PadToken = 32000;
    private const int ContextLength = 4096;

    private readonly Phi3Model _model = new(TestModelCache.GetOrBuild("tiny"));

    public void Dispose() => _model.Dispose();

    [Fact]
    public async Task Submit_GreedyPromptsOfDifferentLengthsTogether_OneBatchMatchingSingleGenerators()
    {
        using var scheduler = NewScheduler(maxBatch: 4);
        var generations = Prompts.Take(4).Select((p, i) => scheduler.Submit(new BatchRequest(p, 10 + i))).ToList();

        for (int i = 0; i < generations.Count; i++)
        {
            Assert.Equal(Reference(Prompts[i], 10 + i), await ReadAllAsync(generations[i].Tokens));
            Assert.Equal(BatchFinishReason.Length, await generations[i].Completion);
        }

        Assert.Equal(1, scheduler.BatchesRun);
    }

    [Fact]
    public async Task Submit_MoreRequestsThanMaxBatch_RunInSeveralBatchesAllMatchingSingleGenerators()
    {
        using var scheduler = NewScheduler(maxBatch: 4);
        var generations = Prompts.Select(p => scheduler.Submit(new BatchRequest(p, 8))).ToList();

        for (int i = 0; i < generations.Count; i++)
        {
            Assert.Equal(Reference(Prompts[i], 8), await ReadAllAsync(generations[i].Tokens));
        }

        Assert.Equal(2, scheduler.BatchesRun);
    }

    [Fact]
    public async Task Submit_EndTokenInOneRow_EndsThatRowWithoutStreamingItAndOthersGoOn()
    {
        // With random weights no real end token comes; declare the 5th greedy token of row 1 an end token instead.
        int[] row1 = Reference(Prompts[1], 8);
        int end = row1[4];
        using var scheduler = new GeneratorBatchScheduler(_model, ContextLength, PadToken, [.. EndTokens, end], 4);
        var generations = Prompts.Take(3).Select(p => scheduler.Submit(new BatchRequest(p, 8))).ToList();

        Assert.Equal(row1.Take(4), await ReadAllAsync(generations[1].Tokens));
        Assert.Equal(BatchFinishReason.EndOfSequence, await generations[1].Completion);
        foreach (int i in new[] { 0, 2 })
        {
            var expected = Reference(Prompts[i], 8).TakeWhile(t => t != end);
            Assert.Equal(expected, await ReadAllAsync(generations[i].Tokens));
        }
    }

    [Fact]
    public async Task Submit_RowsThatWouldNotFitTheContextTogether_RunInSeparateBatchesWithAllTheirTokens()
    {
        // Context 24: a 16-token prompt (+2) and a 5-token prompt (+16) fit alone, but padded to 16 the second would
        // only get 6 of its 16 tokens in a shared batch.
        using var scheduler = new GeneratorBatchScheduler(_model, 24, PadToken, EndTokens, 4);
        var longPrompt = scheduler.Submit(new BatchRequest(Prompts[2], 2));
        var manyTokens = scheduler.Submit(new BatchRequest(Prompts[3], 16));

        Assert.Equal(Reference(Prompts[2], 2), await ReadAllAsync(longPrompt.Tokens));
        Assert.Equal(Reference(Prompts[3], 16), await ReadAllAsync(manyTokens.Tokens));
        Assert.Equal(BatchFinishReason.Length, await manyTokens.Completion);
        Assert.Equal(2, scheduler.BatchesRun);
    }

    [Fact]
    public async Task Submit_OneRequestCancelledMidBatch_OthersStillMatchSingleGenerators()
    {
        using var scheduler = NewScheduler(maxBatch: 4);
        using var cts = new CancellationTokenSource();
        var generations = Prompts.Take(4).Select((p, i) => scheduler.Submit(new BatchRequest(p, i == 1 ? 4000 : 24), i == 1 ? cts.Token : default)).ToList();

        Assert.Equal(Reference(Prompts[1], 1)[0], await generations[1].Tokens.ReadAsync());
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ReadAllAsync(generations[1].Tokens));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generations[1].Completion);
        foreach (int i in new[] { 0, 2, 3 })
        {
            Assert.Equal(Reference(Prompts[i], 24), await ReadAllAsync(generations[i].Tokens));
        }
    }

    [Fact]
    public async Task Submit_EveryRowCancelled_EndsTheBatchAndServesTheNextRequest()
    {
        using var scheduler = NewScheduler(maxBatch: 4);
        using var cts = new CancellationTokenSource();
        var generations = Prompts.Take(2).Select(p => scheduler.Submit(new BatchRequest(p, 4000), cts.Token)).ToList();
        await generations[0].Tokens.ReadAsync();
        await cts.CancelAsync();

        var next = scheduler.Submit(new BatchRequest(Prompts[5], 6));

        Assert.Equal(Reference(Prompts[5], 6), await ReadAllAsync(next.Tokens).WaitAsync(TimeSpan.FromSeconds(60)));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generations[1].Completion);
    }

    [Fact]
    public async Task Submit_CancelledWhileTheBatchGathers_NothingRunsAndTheNextRequestIsServed()
    {
        // A long gathering time, so that the only request is cancelled before its batch would start.
        using var scheduler = new GeneratorBatchScheduler(_model, ContextLength, PadToken, EndTokens, 4, TimeSpan.FromMilliseconds(300));
        using var cts = new CancellationTokenSource();
        var cancelled = scheduler.Submit(new BatchRequest(Prompts[0], 8), cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.Completion);
        await Task.Delay(TimeSpan.FromMilliseconds(600));

        var next = scheduler.Submit(new BatchRequest(Prompts[1], 6));

        Assert.Equal(Reference(Prompts[1], 6), await ReadAllAsync(next.Tokens).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(1, scheduler.BatchesRun);
    }

    [Fact]
    public async Task Submit_AlreadyCancelledToken_CancelsWithoutTokens()
    {
        using var scheduler = NewScheduler(maxBatch: 4);
        await BatchSchedulerContract.AlreadyCancelledThenServesTheNextAsync(scheduler, Reference(Prompts[0], 8));
    }

    [Fact]
    public async Task Submit_DifferentSamplingSettings_AreNotMixedInOneBatch()
    {
        using var scheduler = NewScheduler(maxBatch: 4);
        var greedy = scheduler.Submit(new BatchRequest(Prompts[0], 6));
        var topKOne = scheduler.Submit(new BatchRequest(Prompts[2], 6, new BatchSamplingOptions { DoSample = true, TopK = 1 }));

        Assert.Equal(Reference(Prompts[0], 6), await ReadAllAsync(greedy.Tokens));
        Assert.Equal(Reference(Prompts[2], 6), await ReadAllAsync(topKOne.Tokens));
        Assert.Equal(2, scheduler.BatchesRun);
    }

    [Fact]
    public Task Dispose_WhileGenerating_EndsOpenGenerationsWithObjectDisposed() =>
        BatchSchedulerContract.DisposeWhileGeneratingAsync(NewScheduler(maxBatch: 4));

    [Fact]
    public async Task Submit_NativeFailureInABatch_FailsThatBatchAndServesTheNext()
    {
        // Told a context far beyond the model's, the scheduler accepts a request onnxruntime-genai then refuses.
        using var scheduler = new GeneratorBatchScheduler(_model, 1_000_000, PadToken, EndTokens, 4);
        var refused = scheduler.Submit(new BatchRequest(Prompts[0], 900_000));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => refused.Completion);
        Assert.Contains("onnxruntime-genai", error.Message, StringComparison.Ordinal);
        Assert.Equal(Reference(Prompts[1], 6), await ReadAllAsync(scheduler.Submit(new BatchRequest(Prompts[1], 6)).Tokens));
    }

    [Fact]
    public void Submit_InvalidRequest_ThrowsArgumentException()
    {
        using var scheduler = NewScheduler(maxBatch: 4);

        BatchSchedulerContract.RejectsInvalidRequests(scheduler);
        var tooLong = Assert.Throws<ArgumentException>(() => scheduler.Submit(new BatchRequest(Prompts[0], ContextLength)));
        Assert.Contains("context", tooLong.Message, StringComparison.Ordinal);
    }

    private GeneratorBatchScheduler NewScheduler(int maxBatch) => new(_model, ContextLength, PadToken, EndTokens, maxBatch);

    private int[] Reference(int[] prompt, int newTokens) => Greedy(_model.NativeModel, prompt, newTokens);
}
