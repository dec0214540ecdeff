using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Tests.Chat;

[Collection(TinyModelGroup.Name)]
public sealed class Phi3ChatClientKvBudgetTests
{
    private readonly TinyModelFixture _fixture;

    public Phi3ChatClientKvBudgetTests(TinyModelFixture fixture) => _fixture = fixture;

    private long BytesPerToken => _fixture.Model.KvBytesPerToken;

    private static ChatMessage[] Conversation(string name) =>
        [new ChatMessage(ChatRole.System, name + " system prompt"), new ChatMessage(ChatRole.User, "hi")];

    [Fact]
    public async Task GetResponseAsync_NewConversationOverByteBudget_EvictsLeastRecentlyUsed()
    {
        // Each conversation's buffer is its prompt (~15 tokens) + 2 output + 100 headroom: two fit in 250 tokens, three do not.
        long budget = 250 * BytesPerToken;
        using var client = new Phi3ChatClient(_fixture.Model, new Phi3ChatClientOptions { MaxCachedKvBytes = budget, KvCacheHeadroomTokens = 100 });
        var sizes = new List<long>();
        foreach (string name in new[] { "one", "two", "three" })
        {
            var response = await client.GetResponseAsync(Conversation(name), new ChatOptions { MaxOutputTokens = 2 });
            sizes.Add((response.Usage!.InputTokenCount!.Value + 2 + 100) * BytesPerToken);
        }

        Assert.True(sizes[0] + sizes[1] <= budget && sizes.Sum() > budget, $"sizes {string.Join(", ", sizes)} against {budget}");
        Assert.Equal(2, client.CachedSessions);
        Assert.Equal(sizes[1] + sizes[2], client.CachedKvBytes);

        // "three" is cached: its repeat reuses it. "one" was evicted by bytes (not by count: 4 are allowed).
        long before = client.ReusedTokens;
        await client.GetResponseAsync(Conversation("three"), new ChatOptions { MaxOutputTokens = 2 });
        Assert.True(client.ReusedTokens - before > 3);
        before = client.ReusedTokens;
        await client.GetResponseAsync(Conversation("one"), new ChatOptions { MaxOutputTokens = 2 });
        Assert.Equal(before, client.ReusedTokens);
    }

    [Fact]
    public async Task GetResponseAsync_SessionLargerThanBudget_KeptAloneSoTheNextTurnReusesIt()
    {
        using var fresh = new Phi3ChatClient(_fixture.Model, new Phi3ChatClientOptions { EnableKvReuse = false });
        using var tight = new Phi3ChatClient(_fixture.Model, new Phi3ChatClientOptions { MaxCachedKvBytes = 10 * BytesPerToken });

        var expected = await RunTwoTurnsAsync(fresh);
        var actual = await RunTwoTurnsAsync(tight);

        Assert.Equal(expected, actual);
        Assert.Equal(1, tight.CachedSessions);
        Assert.True(tight.ReusedTokens > 10, $"reused {tight.ReusedTokens}");
        Assert.True(tight.PrefilledTokens < fresh.PrefilledTokens, $"prefilled {tight.PrefilledTokens} against {fresh.PrefilledTokens}");

        // Another conversation takes its place: only the most recent one stays over the budget.
        await tight.GetResponseAsync(Conversation("other"), new ChatOptions { MaxOutputTokens = 2 });
        Assert.Equal(1, tight.CachedSessions);
    }

    [Fact]
    public void SessionLength_SmallBudget_KeepsTheFullHeadroomUpToContext()
    {
        using var client = new Phi3ChatClient(_fixture.Model, new Phi3ChatClientOptions { MaxCachedKvBytes = 300 * BytesPerToken, KvCacheHeadroomTokens = 1024 });
        Assert.Equal(17 + 1024, client.SessionLength(17, withHeadroom: true));
        Assert.Equal(17, client.SessionLength(17, withHeadroom: false));
        Assert.Equal(_fixture.Model.ContextLength, client.SessionLength(4000, withHeadroom: true));
    }

    [Fact]
    public async Task GetResponseAsync_ZeroBudget_NoReuseNoHeadroom()
    {
        using var client = new Phi3ChatClient(_fixture.Model, new Phi3ChatClientOptions { MaxCachedKvBytes = 0 });
        var first = await client.GetResponseAsync(Conversation("one"), new ChatOptions { MaxOutputTokens = 4 });
        var second = await client.GetResponseAsync(Conversation("one"), new ChatOptions { MaxOutputTokens = 4 });

        Assert.Equal(first.Text, second.Text);
        Assert.Equal(0, client.ReusedTokens);
        Assert.Equal(0, client.CachedSessions);
        Assert.Equal(17, client.SessionLength(17, withHeadroom: true));
    }

    [Fact]
    public void Constructor_NegativeMaxCachedKvBytes_ThrowsNamingOption()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Phi3ChatClient(_fixture.Model, new Phi3ChatClientOptions { MaxCachedKvBytes = -1 }));
        Assert.Equal(nameof(Phi3ChatClientOptions.MaxCachedKvBytes), ex.ParamName);
    }

    [Fact]
    public void Constructor_NoBudget_QuarterOfGcAvailableMemory()
    {
        using var client = new Phi3ChatClient(_fixture.Model);
        Assert.Equal(Phi3ChatClient.DefaultMaxCachedKvBytes(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes), client.MaxCachedKvBytes);
    }

    [Theory]
    [InlineData(64L << 30, 16L << 30)]
    [InlineData(7, 1)]
    [InlineData(0, 0)]
    [InlineData(-8, 0)]
    public void DefaultMaxCachedKvBytes_AvailableMemory_IsAQuarterOrZero(long available, long expected) =>
        Assert.Equal(expected, Phi3ChatClient.DefaultMaxCachedKvBytes(available));

    private static async Task<List<string>> RunTwoTurnsAsync(Phi3ChatClient client)
    {
        var history = new List<ChatMessage>(Conversation("one"));
        var answers = new List<string>();
        foreach (string question in new[] { "Tell me more.", "And then?" })
        {
            history.Add(new ChatMessage(ChatRole.User, question));
            var response = await client.GetResponseAsync(history, new ChatOptions { MaxOutputTokens = 6 });
            answers.Add(response.Text);
            history.AddMessages(response);
        }

        return answers;
    }
}
