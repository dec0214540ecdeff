using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Tests.Chat;

[Collection(TinyModelGroup.Name)]
public sealed class Phi3ChatClientKvReuseTests
{
    private readonly TinyModelFixture _fixture;

    public Phi3ChatClientKvReuseTests(TinyModelFixture fixture) => _fixture = fixture;

    private static async Task<List<string>> RunConversationAsync(Phi3ChatClient client, Action<List<ChatMessage>>? beforeLastTurn = null)
    {
        var history = new List<ChatMessage> { new(ChatRole.System, "You are a helpful assistant.") };
        var answers = new List<string>();
        string[] questions = ["Hello world!", "Tell me more about that, please.", "And what happened next?", "Summarize it."];
        for (int turn = 0; turn < questions.Length; turn++)
        {
            if (turn == questions.Length - 1)
            {
                beforeLastTurn?.Invoke(history);
            }

            history.Add(new ChatMessage(ChatRole.User, questions[turn]));
            var response = await client.GetResponseAsync(history, new ChatOptions { MaxOutputTokens = 12 });
            answers.Add(response.Text);
            history.AddMessages(response);
        }

        return answers;
    }

    [Fact]
    public async Task GetResponseAsync_FourTurnsWithReuse_EqualFreshPrefill()
    {
        using var fresh = new Phi3ChatClient(_fixture.Model, new Phi3ChatClientOptions { EnableKvReuse = false });
        using var reusing = new Phi3ChatClient(_fixture.Model, new Phi3ChatClientOptions { EnableKvReuse = true });

        var expected = await RunConversationAsync(fresh);
        var actual = await RunConversationAsync(reusing);

        Assert.Equal(expected, actual);
        Assert.Equal(0, fresh.ReusedTokens);
        Assert.True(reusing.ReusedTokens > 30, $"reused {reusing.ReusedTokens} tokens");
        Assert.True(reusing.PrefilledTokens < fresh.PrefilledTokens);
    }

    [Fact]
    public async Task GetResponseAsync_EditedEarlierMessage_RewindsToShorterPrefixAndEqualsFreshPrefill()
    {
        // Before the fourth turn the third user message is replaced: the cache holds more than the common prefix.
        static void Edit(List<ChatMessage> history) => history[5] = new ChatMessage(ChatRole.User, "And what happened after that?");

        using var fresh = new Phi3ChatClient(_fixture.Model, new Phi3ChatClientOptions { EnableKvReuse = false });
        using var plain = new Phi3ChatClient(_fixture.Model, new Phi3ChatClientOptions { MaxCachedSessions = 1 });
        using var edited = new Phi3ChatClient(_fixture.Model, new Phi3ChatClientOptions { MaxCachedSessions = 1 });

        var expected = await RunConversationAsync(fresh, Edit);
        long plainBefore = 0, editedBefore = 0;
        await RunConversationAsync(plain, _ => plainBefore = plain.ReusedTokens);
        var actual = await RunConversationAsync(edited, history => { editedBefore = edited.ReusedTokens; Edit(history); });

        Assert.Equal(expected, actual);
        long editedReuse = edited.ReusedTokens - editedBefore, plainReuse = plain.ReusedTokens - plainBefore;
        Assert.True(editedReuse > 20, $"the prefix before the edit was reused ({editedReuse})");
        Assert.True(editedReuse < plainReuse, $"the edit cut the reuse short ({editedReuse} vs {plainReuse})");
    }

    [Fact]
    public async Task GetResponseAsync_SmallPrefillChunks_EqualOneShotPrefill()
    {
        using var oneShot = new Phi3ChatClient(_fixture.Model, new Phi3ChatClientOptions { EnableKvReuse = false });
        using var chunked = new Phi3ChatClient(_fixture.Model, new Phi3ChatClientOptions { EnableKvReuse = false, PrefillChunkTokens = 5 });
        Assert.Equal(await RunConversationAsync(oneShot), await RunConversationAsync(chunked));
    }

    [Fact]
    public async Task GetResponseAsync_SameQuestionRepeated_ReusesAllButLastPromptToken()
    {
        using var client = new Phi3ChatClient(_fixture.Model);
        var messages = new[] { new ChatMessage(ChatRole.User, "Hello world!") };
        var first = await client.GetResponseAsync(messages, new ChatOptions { MaxOutputTokens = 8 });
        var second = await client.GetResponseAsync(messages, new ChatOptions { MaxOutputTokens = 8 });
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(first.Usage!.InputTokenCount - 1, client.ReusedTokens);
    }

    [Fact]
    public async Task GetResponseAsync_MoreConversationsThanCapacity_EvictsLeastRecentlyUsed()
    {
        using var client = new Phi3ChatClient(_fixture.Model, new Phi3ChatClientOptions { MaxCachedSessions = 2 });
        foreach (string text in new[] { "one", "two", "three" })
        {
            await client.GetResponseAsync([new ChatMessage(ChatRole.System, text + " system prompt"), new ChatMessage(ChatRole.User, "hi")], new ChatOptions { MaxOutputTokens = 2 });
        }

        Assert.Equal(2, client.CachedSessions);

        // "three" is cached: its repeat reuses it. "one" was evicted: nothing is reused, and other conversations are left alone.
        long before = client.ReusedTokens;
        await client.GetResponseAsync([new ChatMessage(ChatRole.System, "three system prompt"), new ChatMessage(ChatRole.User, "hi")], new ChatOptions { MaxOutputTokens = 2 });
        Assert.True(client.ReusedTokens - before > 3);
        before = client.ReusedTokens;
        await client.GetResponseAsync([new ChatMessage(ChatRole.System, "one system prompt"), new ChatMessage(ChatRole.User, "hi")], new ChatOptions { MaxOutputTokens = 2 });
        Assert.Equal(before, client.ReusedTokens);
    }
}
