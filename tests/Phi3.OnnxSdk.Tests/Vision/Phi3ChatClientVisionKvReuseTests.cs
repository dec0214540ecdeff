using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Tests.Vision;

/// <summary>
/// KV reuse with images on tiny-vision: a phi3v generator cannot rewind and takes images only with its first prompt, so
/// a cached session is only appended to, and only for a prompt with exactly its images.
/// </summary>
public sealed class Phi3ChatClientVisionKvReuseTests(VisionModelFixture fixture) : IClassFixture<VisionModelFixture>
{
    private static ChatMessage Ask(params AIContent[] contents) => new(ChatRole.User, [.. contents]);

    private static async Task<List<int[]>> RunConversationAsync(Phi3ChatClient client, DataContent image, Action<List<ChatMessage>>? beforeLastTurn = null)
    {
        var history = new List<ChatMessage>();
        var answers = new List<int[]>();
        AIContent[][] turns = [[image, new TextContent(VisionModelFixture.Question)], [new TextContent("Tell me more.")], [new TextContent("And the colours?")]];
        for (int turn = 0; turn < turns.Length; turn++)
        {
            if (turn == turns.Length - 1)
            {
                beforeLastTurn?.Invoke(history);
            }

            history.Add(Ask(turns[turn]));
            var response = await client.GetResponseAsync(history, VisionModelFixture.Greedy(6));
            answers.Add((int[])response.RawRepresentation!);
            history.AddMessages(response);
        }

        return answers;
    }

    [Fact]
    public async Task GetResponseAsync_TurnsAfterAnImageWithReuse_EqualAFreshClient()
    {
        using var fresh = new Phi3ChatClient(fixture.Model, new Phi3ChatClientOptions { EnableKvReuse = false });
        using var reusing = new Phi3ChatClient(fixture.Model);
        var image = await fixture.RoundTrippingImageAsync(6);

        var expected = await RunConversationAsync(fresh, image);
        var actual = await RunConversationAsync(reusing, image);

        Assert.Equal(expected, actual);
        Assert.True(reusing.ReusedTokens > 2509, $"reused {reusing.ReusedTokens} tokens");
        Assert.True(reusing.PrefilledTokens < fresh.PrefilledTokens - 2509);
    }

    [Fact]
    public async Task GetResponseAsync_SameIdsDifferentImage_NotServedFromTheCache()
    {
        using var client = new Phi3ChatClient(fixture.Model);
        using var fresh = new Phi3ChatClient(fixture.Model, new Phi3ChatClientOptions { EnableKvReuse = false });
        var image = await fixture.RoundTrippingImageAsync(6);
        ChatMessage[] first = [Ask(image, new TextContent(VisionModelFixture.Question))];
        var answer = await client.GetResponseAsync(first, VisionModelFixture.Greedy(6));

        // The same conversation continued, but with the first turn's image swapped: equal ids up to the new turn.
        List<ChatMessage> swapped = [Ask(VisionModelFixture.Image(336, 336, seed: 99), new TextContent(VisionModelFixture.Question)), .. answer.Messages, Ask(new TextContent("Tell me more."))];
        long before = client.ReusedTokens;
        var actual = await client.GetResponseAsync(swapped, VisionModelFixture.Greedy(6));
        var expected = await fresh.GetResponseAsync(swapped, VisionModelFixture.Greedy(6));

        Assert.Equal(before, client.ReusedTokens);
        Assert.Equal((int[])expected.RawRepresentation!, (int[])actual.RawRepresentation!);

        // The control: the same continuation with the original image is served from the cache.
        List<ChatMessage> same = [.. first, .. answer.Messages, Ask(new TextContent("Tell me more."))];
        await client.GetResponseAsync(same, VisionModelFixture.Greedy(6));
        Assert.True(client.ReusedTokens > before + 2509, $"reused {client.ReusedTokens - before}");
    }

    [Fact]
    public async Task GetResponseAsync_SwappedImageInAnEarlierTurn_EqualsAFreshClient()
    {
        static void Swap(List<ChatMessage> history) => history[0] = Ask(VisionModelFixture.Image(336, 336, seed: 99), new TextContent(VisionModelFixture.Question));

        using var fresh = new Phi3ChatClient(fixture.Model, new Phi3ChatClientOptions { EnableKvReuse = false });
        using var reusing = new Phi3ChatClient(fixture.Model);
        var image = await fixture.RoundTrippingImageAsync(6);

        var expected = await RunConversationAsync(fresh, image, Swap);
        var actual = await RunConversationAsync(reusing, image, Swap);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task GetResponseAsync_NewImageInALaterTurn_StartsAFreshSessionEqualToAFreshClient()
    {
        using var fresh = new Phi3ChatClient(fixture.Model, new Phi3ChatClientOptions { EnableKvReuse = false });
        using var reusing = new Phi3ChatClient(fixture.Model);
        async Task<int[]> RunAsync(Phi3ChatClient client)
        {
            List<ChatMessage> history = [Ask(VisionModelFixture.Image(336, 336), new TextContent(VisionModelFixture.Question))];
            history.AddMessages(await client.GetResponseAsync(history, VisionModelFixture.Greedy(4)));
            history.Add(Ask(new TextContent("Compare with this:"), VisionModelFixture.Image(500, 900)));
            return (int[])(await client.GetResponseAsync(history, VisionModelFixture.Greedy(6))).RawRepresentation!;
        }

        var expected = await RunAsync(fresh);
        long before = reusing.ReusedTokens;
        var actual = await RunAsync(reusing);

        Assert.Equal(expected, actual);
        Assert.Equal(before, reusing.ReusedTokens);
    }

    [Fact]
    public async Task GetResponseAsync_SameQuestionRepeatedOnAVisionModel_NoRewindAndTheSameAnswer()
    {
        // On a text model the repeat rewinds the cached session by its answer; a phi3v generator throws on RewindTo.
        using var client = new Phi3ChatClient(fixture.Model);
        foreach (var message in new[] { new ChatMessage(ChatRole.User, "Hello world!"), Ask(VisionModelFixture.Image(336, 336), new TextContent("Hello world!")) })
        {
            var first = await client.GetResponseAsync([message], VisionModelFixture.Greedy(6));
            var second = await client.GetResponseAsync([message], VisionModelFixture.Greedy(6));

            Assert.Equal((int[])first.RawRepresentation!, (int[])second.RawRepresentation!);
        }

        Assert.Equal(0, client.ReusedTokens);
    }
}
