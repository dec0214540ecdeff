using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Tests.Chat;

[Collection(TinyModelGroup.Name)]
public sealed class Phi3ChatClientConcurrencyTests
{
    private readonly TinyModelFixture _fixture;

    public Phi3ChatClientConcurrencyTests(TinyModelFixture fixture) => _fixture = fixture;

    private static ChatMessage[] Question(int i) => [new ChatMessage(ChatRole.User, $"Question number {i}: what is {i} plus {i}?")];

    [Fact]
    public async Task GetResponseAsync_EightParallelRequests_EqualSequentialResults()
    {
        using var client = new Phi3ChatClient(_fixture.Model, new Phi3ChatClientOptions { MaxConcurrentGenerations = 4 });
        var options = new ChatOptions { MaxOutputTokens = 12 };
        var sequential = new List<string>();
        for (int i = 0; i < 8; i++)
        {
            sequential.Add((await client.GetResponseAsync(Question(i), options)).Text);
        }

        var parallel = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => client.GetResponseAsync(Question(i), options))));
        Assert.Equal(sequential, parallel.Select(r => r.Text));
        Assert.Equal(8, sequential.Distinct().Count());
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CancelledAfterThreeTokens_ThrowsThenClientStillWorks()
    {
        using var client = new Phi3ChatClient(_fixture.Model, new Phi3ChatClientOptions { MaxConcurrentGenerations = 1 });
        using var cts = new CancellationTokenSource();
        int seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(Question(1), new ChatOptions { MaxOutputTokens = 1000 }, cts.Token))
            {
                if (++seen == 3)
                {
                    cts.Cancel();
                }
            }
        });
        Assert.Equal(3, seen);
        Assert.Equal(0, client.CachedSessions);

        var response = await client.GetResponseAsync(Question(1), new ChatOptions { MaxOutputTokens = 5 });
        Assert.Equal(5, response.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ConsumerStopsEarly_GeneratorReleasedAndGateFreed()
    {
        using var client = new Phi3ChatClient(_fixture.Model, new Phi3ChatClientOptions { MaxConcurrentGenerations = 1 });
        await foreach (var update in client.GetStreamingResponseAsync(Question(2), new ChatOptions { MaxOutputTokens = 1000 }))
        {
            break;
        }

        var response = await client.GetResponseAsync(Question(2), new ChatOptions { MaxOutputTokens = 3 });
        Assert.Equal(3, response.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task GetResponseAsync_WaitingForGateCancelled_ThrowsOperationCanceled()
    {
        using var client = new Phi3ChatClient(_fixture.Model, new Phi3ChatClientOptions { MaxConcurrentGenerations = 1 });
        await using var running = client.GetStreamingResponseAsync(Question(3), new ChatOptions { MaxOutputTokens = 1000 }).GetAsyncEnumerator();
        Assert.True(await running.MoveNextAsync());

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync(Question(4), new ChatOptions { MaxOutputTokens = 2 }, cts.Token));
    }

    [Fact]
    public async Task Dispose_DuringGeneration_RequestEndsWithDisposedOrCanceled()
    {
        // A client that owns its model: disposing it frees the native model once the request has stopped.
        var client = new Phi3ChatClient(_fixture.Folder);
        int seen = 0;
        var ex = await Record.ExceptionAsync(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(Question(5), new ChatOptions { MaxOutputTokens = 2000 }))
            {
                if (++seen == 2)
                {
                    client.Dispose();
                }
            }
        });

        Assert.True(ex is ObjectDisposedException or OperationCanceledException, $"got {ex?.GetType().Name ?? "no exception"}");
        Assert.True(client.Model.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => client.Model.Model);
        client.Dispose();
    }

    [Fact]
    public async Task Methods_AfterDispose_ThrowObjectDisposed()
    {
        var client = new Phi3ChatClient(_fixture.Model);
        client.Dispose();
        client.Dispose();
        Assert.Throws<ObjectDisposedException>(() => client.GetStreamingResponseAsync(Question(6)));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetResponseAsync(Question(6)));
        Assert.False(_fixture.Model.IsDisposed, "a client does not dispose a model it was given");
    }
}
