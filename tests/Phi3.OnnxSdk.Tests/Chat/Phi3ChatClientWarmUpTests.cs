using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Tests.Chat;

[Collection(TinyModelGroup.Name)]
public sealed class Phi3ChatClientWarmUpTests
{
    private static readonly ChatMessage[] Question = [new ChatMessage(ChatRole.User, "What is a lighthouse?")];

    private readonly TinyModelFixture _fixture;

    public Phi3ChatClientWarmUpTests(TinyModelFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task WarmUpAsync_LoadedClient_KeepsNothingAndLeavesAnswersUnchanged()
    {
        using var client = new Phi3ChatClient(_fixture.Model);
        var options = new ChatOptions { MaxOutputTokens = 8 };
        var before = await client.GetResponseAsync(Question, options);
        using var second = new Phi3ChatClient(_fixture.Model);

        await second.WarmUpAsync();

        Assert.Equal(1, second.WarmUps);
        Assert.Equal(0, second.CachedSessions);
        Assert.Equal(0, second.PrefilledTokens);
        Assert.Equal(before.Text, (await second.GetResponseAsync(Question, options)).Text);
    }

    [Fact]
    public async Task WarmUpAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var client = new Phi3ChatClient(_fixture.Model);
        client.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.WarmUpAsync());
    }

    [Fact]
    public async Task Dispose_WhileWarmingUp_EndsTheWarmUpWithoutCrash()
    {
        for (int i = 0; i < 5; i++)
        {
            var client = new Phi3ChatClient(_fixture.Model);
            var warming = client.WarmUpAsync();
            client.Dispose();

            // Either it finished first or it ends as disposed; nothing else, and no hang.
            var error = await Record.ExceptionAsync(() => warming.WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.True(error is null or ObjectDisposedException, error?.ToString());
        }
    }

    [Fact]
    public async Task WarmUpAsync_EverySlotBusyAndCancelled_ThrowsOperationCanceledAndWarmsNothing()
    {
        using var client = new Phi3ChatClient(_fixture.Model, new Phi3ChatClientOptions { MaxConcurrentGenerations = 1 });
        using var stop = new CancellationTokenSource();
        await using var running = client.GetStreamingResponseAsync(Question, new ChatOptions { MaxOutputTokens = 3000 }, stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.True(await running.MoveNextAsync());

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.WarmUpAsync(cancel.Token));

        Assert.Equal(0, client.WarmUps);
        await stop.CancelAsync();
    }
}
