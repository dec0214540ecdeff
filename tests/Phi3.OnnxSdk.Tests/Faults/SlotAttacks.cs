using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Tests.Faults;

/// <summary>
/// Consumers that stop pulling without disposing their enumerator (run in a child process by
/// <see cref="SlotFaultTests"/>, so that a hang is killed): each costs at most the generation it started, and later
/// requests run. The waits are bounded well above what a healthy run needs.
/// </summary>
public sealed class SlotAttacks
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private SlotAttacks()
    {
    }

    /// <summary>The reproduction: one slot, one pull, the enumerator dropped.</summary>
    [Attack]
    public static async Task DroppedEnumeratorWithOneSlot()
    {
        using var client = new Phi3ChatClient(TestModelCache.GetOrBuild("tiny"), new Phi3ChatClientOptions { MaxConcurrentGenerations = 1 });
        await PullOnceAndDropAsync(client);
        ChildEntryPoint.ForceCollection();

        await AnswersAsync(client);
    }

    /// <summary>With the defaults (four slots), four dropped enumerators no longer block the client for good.</summary>
    [Attack]
    public static async Task FourDroppedEnumeratorsWithTheDefaults()
    {
        using var client = new Phi3ChatClient(TestModelCache.GetOrBuild("tiny"));
        for (int i = 0; i < 4; i++)
        {
            await PullOnceAndDropAsync(client);
        }

        ChildEntryPoint.ForceCollection();
        await AnswersAsync(client);
    }

    /// <summary>An enumerator dropped while it waits for a slot takes its turn, runs to its limit, and frees the slot.</summary>
    [Attack]
    public static async Task EnumeratorDroppedWhileWaitingForASlot()
    {
        using var client = new Phi3ChatClient(TestModelCache.GetOrBuild("tiny"), new Phi3ChatClientOptions { MaxConcurrentGenerations = 1 });
        await using (var holder = Stream(client).GetAsyncEnumerator())
        {
            Assert.True(await holder.MoveNextAsync());
            var waiting = Stream(client).GetAsyncEnumerator();
            _ = waiting.MoveNextAsync().AsTask();
            waiting = null;
            ChildEntryPoint.ForceCollection();
        }

        await AnswersAsync(client);
        await AnswersAsync(client);
    }

    private static IAsyncEnumerable<ChatResponseUpdate> Stream(Phi3ChatClient client) =>
        client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Tell me a long story.")], new ChatOptions { MaxOutputTokens = 64 });

    private static async Task PullOnceAndDropAsync(Phi3ChatClient client)
    {
        var enumerator = Stream(client).GetAsyncEnumerator();
        Assert.True(await enumerator.MoveNextAsync().AsTask().WaitAsync(Bound));
    }

    private static async Task AnswersAsync(Phi3ChatClient client)
    {
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { MaxOutputTokens = 3 }).WaitAsync(Bound);
        Assert.Equal(3, response.Usage!.OutputTokenCount);
    }
}
