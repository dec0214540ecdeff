using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Tests.Chat;

[Collection(TinyModelGroup.Name)]
public sealed class Phi3ChatClientBatchingTests
{
    private readonly TinyModelFixture _fixture;

    public Phi3ChatClientBatchingTests(TinyModelFixture fixture) => _fixture = fixture;

    private static ChatMessage[] Question(int i) => [new ChatMessage(ChatRole.User, $"Question number {i}: what is {i} plus {i}?")];

    private Phi3ChatClient NewClient() => new(_fixture.Model, new Phi3ChatClientOptions { MaxConcurrentGenerations = 8, EnableKvReuse = false, EnableBatching = true });

    [Fact]
    public async Task GetResponseAsync_RequestsWhileAnotherRuns_AreBatchedAndEqualSequentialResults()
    {
        using var client = NewClient();
        var options = Enumerable.Range(0, 6).Select(i => new ChatOptions { MaxOutputTokens = 6 + (2 * i) }).ToList();
        var sequential = new List<ChatResponse>();
        for (int i = 0; i < 6; i++)
        {
            sequential.Add(await client.GetResponseAsync(Question(i), options[i]));
        }

        Assert.Equal(0, client.BatchedGenerations);

        var batched = await WhileAnotherRunsAsync(client, () => Task.WhenAll(Enumerable.Range(0, 6).Select(i => client.GetResponseAsync(Question(i), options[i]))));

        Assert.Equal(6, client.BatchedGenerations);
        Assert.Equal(sequential.Select(r => r.Text), batched.Select(r => r.Text));
        Assert.Equal(sequential.Select(r => r.Usage!.OutputTokenCount), batched.Select(r => r.Usage!.OutputTokenCount));
        Assert.Equal(sequential.Select(r => r.FinishReason), batched.Select(r => r.FinishReason));
    }

    [Fact]
    public async Task GetResponseAsync_FourSentTogether_AllShareOneBatchAndEqualSequentialResults()
    {
        // A long gathering time, so that a slow test machine still sends the four within it.
        using var client = new Phi3ChatClient(_fixture.Model, new Phi3ChatClientOptions { MaxConcurrentGenerations = 4, EnableKvReuse = false, EnableBatching = true, BatchGatherTime = TimeSpan.FromMilliseconds(500) });
        var options = new ChatOptions { MaxOutputTokens = 10 };
        var sequential = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            sequential.Add((await client.GetResponseAsync(Question(i), options)).Text);
        }

        Assert.Equal(0, client.BatchedGenerations);

        var together = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => client.GetResponseAsync(Question(i), options))));

        Assert.Equal(4, client.BatchedGenerations);
        Assert.Equal(sequential, together.Select(r => r.Text));
    }

    [Fact]
    public async Task GetResponseAsync_BatchedWithStopSequence_StopsLikeTheSingleGeneratorPath()
    {
        using var client = NewClient();
        string full = (await client.GetResponseAsync(Question(3), new ChatOptions { MaxOutputTokens = 24 })).Text;
        string stopAt = full.Substring(full.Length / 2, 3);
        var options = new ChatOptions { MaxOutputTokens = 24, StopSequences = [stopAt] };
        var single = await client.GetResponseAsync(Question(3), options);

        var batched = await WhileAnotherRunsAsync(client, () => client.GetResponseAsync(Question(3), options));

        Assert.Equal(1, client.BatchedGenerations);
        Assert.Equal(single.Text, batched.Text);
        Assert.DoesNotContain(stopAt, batched.Text);
        Assert.Equal(ChatFinishReason.Stop, batched.FinishReason);
    }

    [Fact]
    public async Task GetResponseAsync_BatchedGreedyTopKOneWithTemperature_EqualsSingleGeneratorPath()
    {
        using var client = NewClient();
        var options = new ChatOptions { MaxOutputTokens = 10, TopK = 1, Temperature = 0.7f };
        var single = await client.GetResponseAsync(Question(4), options);

        var batched = await WhileAnotherRunsAsync(client, () => client.GetResponseAsync(Question(4), options));

        Assert.Equal(1, client.BatchedGenerations);
        Assert.Equal(single.Text, batched.Text);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_OneBatchedRequestCancelled_OthersEqualSequentialResults()
    {
        using var client = NewClient();
        var options = new ChatOptions { MaxOutputTokens = 16 };
        string[] expected = [(await client.GetResponseAsync(Question(5), options)).Text, (await client.GetResponseAsync(Question(6), options)).Text];
        using var cts = new CancellationTokenSource();

        var results = await WhileAnotherRunsAsync(client, async () =>
        {
            var cancelled = Task.Run(async () =>
            {
                await foreach (var update in client.GetStreamingResponseAsync(Question(7), new ChatOptions { MaxOutputTokens = 2000 }, cts.Token))
                {
                    await cts.CancelAsync();
                }
            });
            var others = Task.WhenAll(client.GetResponseAsync(Question(5), options), client.GetResponseAsync(Question(6), options));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
            return await others;
        });

        Assert.Equal(3, client.BatchedGenerations);
        Assert.Equal(expected, results.Select(r => r.Text));
    }

    [Fact]
    public async Task Dispose_WhileBatchedRequestsRun_EndsThemWithoutCrash()
    {
        var client = NewClient();
        var blocker = client.GetStreamingResponseAsync(Question(1), new ChatOptions { MaxOutputTokens = 3000 }).GetAsyncEnumerator();
        Assert.True(await blocker.MoveNextAsync());
        var running = Enumerable.Range(0, 3).Select(i => Task.Run(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(Question(i), new ChatOptions { MaxOutputTokens = 3000 }))
            {
            }
        })).ToList();
        while (client.BatchedGenerations < 3)
        {
            await Task.Delay(5);
        }

        client.Dispose();

        foreach (var task in running)
        {
            var ex = await Record.ExceptionAsync(() => task);
            Assert.True(ex is ObjectDisposedException or OperationCanceledException, ex?.ToString());
        }

        var blockerEnd = await Record.ExceptionAsync(async () =>
        {
            while (await blocker.MoveNextAsync())
            {
            }
        });
        Assert.True(blockerEnd is null or ObjectDisposedException or OperationCanceledException, blockerEnd?.ToString());
        await blocker.DisposeAsync();
    }

    [Fact]
    public async Task GetResponseAsync_WithToolsWhileAnotherRuns_UsesItsOwnGenerator()
    {
        using var client = NewClient();
        var tool = AIFunctionFactory.Create((string city) => city, "weather", "Weather for a city.");
        var options = new ChatOptions { MaxOutputTokens = 8, Tools = [tool], ToolMode = ChatToolMode.Auto };

        var response = await WhileAnotherRunsAsync(client, () => client.GetResponseAsync(Question(8), options));

        Assert.Equal(0, client.BatchedGenerations);
        Assert.NotNull(response.FinishReason);
    }

    [Fact]
    public async Task GetResponseAsync_BatchingNotEnabled_NeverBatches()
    {
        using var client = new Phi3ChatClient(_fixture.Model, new Phi3ChatClientOptions { MaxConcurrentGenerations = 8, EnableKvReuse = false });

        await WhileAnotherRunsAsync(client, () => client.GetResponseAsync(Question(2), new ChatOptions { MaxOutputTokens = 4 }));

        Assert.Equal(0, client.BatchedGenerations);
    }

    /// <summary>Runs <paramref name="action"/> while a long single-generator request is streaming, so its requests see another generation running.</summary>
    private static async Task<T> WhileAnotherRunsAsync<T>(Phi3ChatClient client, Func<Task<T>> action)
    {
        using var cts = new CancellationTokenSource();
        var blocker = client.GetStreamingResponseAsync(Question(99), new ChatOptions { MaxOutputTokens = 3000 }, cts.Token).GetAsyncEnumerator(cts.Token);
        try
        {
            Assert.True(await blocker.MoveNextAsync());
            return await action();
        }
        finally
        {
            await cts.CancelAsync();
            try
            {
                while (await blocker.MoveNextAsync())
                {
                }
            }
            catch (OperationCanceledException)
            {
            }

            await blocker.DisposeAsync();
        }
    }
}
