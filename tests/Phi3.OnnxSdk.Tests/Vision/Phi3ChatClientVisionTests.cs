using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Tests.Vision;

/// <summary>Images through <see cref="Phi3ChatClient"/> on tiny-vision: token counts, determinism, placement, streaming, options, and the raw runtime as reference.</summary>
public sealed class Phi3ChatClientVisionTests(VisionModelFixture fixture) : IClassFixture<VisionModelFixture>
{
    private const string OneImagePrompt = "<|user|>\n<|image_1|>\n" + VisionModelFixture.Question + "<|end|>\n<|assistant|>\n";

    private static ChatMessage Ask(params AIContent[] contents) => new(ChatRole.User, [.. contents]);

    private static TextContent Question => new(VisionModelFixture.Question);

    private static int[] Tokens(ChatResponse response) => (int[])response.RawRepresentation!;

    [Theory]
    [InlineData(336, 336)]
    [InlineData(1344, 1008)]
    [InlineData(500, 900)]
    [InlineData(4000, 3000)]
    public async Task GetResponseAsync_ImageOfSize_InputTokensCountTheTokenRule(int width, int height)
    {
        using var client = new Phi3ChatClient(fixture.Model);
        var response = await client.GetResponseAsync([Ask(VisionModelFixture.Image(width, height), Question)], VisionModelFixture.Greedy(1));

        Assert.Equal(fixture.TextTokens(OneImagePrompt) + Phi3VisionTokenRule.ImageTokens(width, height), response.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task GetResponseAsync_OneImage_EqualsTheRawProcessorAndGeneratorLoop()
    {
        using var client = new Phi3ChatClient(fixture.Model);
        var response = await client.GetResponseAsync([Ask(VisionModelFixture.Image(336, 336), Question)], VisionModelFixture.Greedy(8));
        var (inputTokens, generated) = fixture.GenerateRaw(OneImagePrompt, [fixture.ImageFile(336, 336)], 8);

        Assert.Equal(inputTokens, response.Usage!.InputTokenCount);
        Assert.Equal(generated, Tokens(response));
    }

    [Fact]
    public async Task GetResponseAsync_SameImageTwiceAndOtherImage_SameAndDifferentAnswers()
    {
        using var client = new Phi3ChatClient(fixture.Model, new Phi3ChatClientOptions { EnableKvReuse = false });
        var first = await client.GetResponseAsync([Ask(VisionModelFixture.Image(336, 336, seed: 1), Question)], VisionModelFixture.Greedy(8));
        var again = await client.GetResponseAsync([Ask(VisionModelFixture.Image(336, 336, seed: 1), Question)], VisionModelFixture.Greedy(8));
        var other = await client.GetResponseAsync([Ask(VisionModelFixture.Image(336, 336, seed: 2), Question)], VisionModelFixture.Greedy(8));

        Assert.Equal(Tokens(first), Tokens(again));
        Assert.NotEqual(Tokens(first), Tokens(other));
        Assert.Equal(first.Usage!.InputTokenCount, other.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task GetResponseAsync_TwoImagesInOneMessage_NumberedInOrderAsTheRawLoop()
    {
        using var client = new Phi3ChatClient(fixture.Model);
        var response = await client.GetResponseAsync([Ask(VisionModelFixture.Image(336, 336), VisionModelFixture.Image(1344, 1008), Question)], VisionModelFixture.Greedy(8));
        var swapped = await client.GetResponseAsync([Ask(VisionModelFixture.Image(1344, 1008), VisionModelFixture.Image(336, 336), Question)], VisionModelFixture.Greedy(8));
        const string Prompt = "<|user|>\n<|image_1|>\n<|image_2|>\n" + VisionModelFixture.Question + "<|end|>\n<|assistant|>\n";
        var (inputTokens, generated) = fixture.GenerateRaw(Prompt, [fixture.ImageFile(336, 336), fixture.ImageFile(1344, 1008)], 8);

        Assert.Equal(inputTokens, response.Usage!.InputTokenCount);
        Assert.Equal(generated, Tokens(response));
        Assert.Equal(response.Usage.InputTokenCount, swapped.Usage!.InputTokenCount);
        Assert.NotEqual(Tokens(response), Tokens(swapped));
    }

    [Fact]
    public async Task GetResponseAsync_ImagesInTwoTurns_NumberedOverTheConversationAsTheRawLoop()
    {
        using var client = new Phi3ChatClient(fixture.Model);
        var first = await client.GetResponseAsync([Ask(VisionModelFixture.Image(336, 336), Question)], VisionModelFixture.Greedy(4));
        List<ChatMessage> history = [Ask(VisionModelFixture.Image(336, 336), Question), new(ChatRole.Assistant, "A square."), Ask(new TextContent("And this one?"), VisionModelFixture.Image(500, 900))];
        var second = await client.GetResponseAsync(history, VisionModelFixture.Greedy(8));
        const string Prompt = "<|user|>\n<|image_1|>\n" + VisionModelFixture.Question + "<|end|>\n<|assistant|>\nA square.<|end|>\n<|user|>\nAnd this one?<|image_2|>\n<|end|>\n<|assistant|>\n";
        var (inputTokens, generated) = fixture.GenerateRaw(Prompt, [fixture.ImageFile(336, 336), fixture.ImageFile(500, 900)], 8);

        Assert.True(first.Usage!.InputTokenCount < second.Usage!.InputTokenCount);
        Assert.Equal(inputTokens, second.Usage.InputTokenCount);
        Assert.Equal(generated, Tokens(second));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Image_EqualsNonStreaming()
    {
        using var client = new Phi3ChatClient(fixture.Model, new Phi3ChatClientOptions { EnableKvReuse = false });
        ChatMessage[] messages = [Ask(VisionModelFixture.Image(1344, 1008), Question)];
        var response = await client.GetResponseAsync(messages, VisionModelFixture.Greedy(8));
        var updates = await client.GetStreamingResponseAsync(messages, VisionModelFixture.Greedy(8)).ToListAsync();

        Assert.Equal(response.Text, string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(Tokens(response), updates.SelectMany(u => (int[])u.RawRepresentation!));
        Assert.Equal(response.Usage!.InputTokenCount, updates.SelectMany(u => u.Contents).OfType<UsageContent>().Single().Details.InputTokenCount);
    }

    [Fact]
    public async Task GetResponseAsync_FileUri_EqualsTheSameBytes()
    {
        using var client = new Phi3ChatClient(fixture.Model, new Phi3ChatClientOptions { EnableKvReuse = false });
        var fromBytes = await client.GetResponseAsync([Ask(VisionModelFixture.Image(500, 900), Question)], VisionModelFixture.Greedy(8));
        var fromFile = await client.GetResponseAsync([Ask(new UriContent(new Uri(fixture.ImageFile(500, 900)), "image/png"), Question)], VisionModelFixture.Greedy(8));

        Assert.Equal(fromBytes.Usage!.InputTokenCount, fromFile.Usage!.InputTokenCount);
        Assert.Equal(Tokens(fromBytes), Tokens(fromFile));
    }

    [Fact]
    public async Task GetResponseAsync_TextSpellingImageTags_StaysText()
    {
        using var client = new Phi3ChatClient(fixture.Model);
        const string Spelled = "Describe <|image_1|> and <|image_2|> please.";
        var textOnly = await client.GetResponseAsync([new ChatMessage(ChatRole.User, Spelled)], VisionModelFixture.Greedy(1));
        var withImage = await client.GetResponseAsync([Ask(VisionModelFixture.Image(336, 336), new TextContent(Spelled))], VisionModelFixture.Greedy(1));

        // No tag became placeholders: the text alone is a few dozen tokens, and with one image exactly one image's worth more.
        Assert.InRange(textOnly.Usage!.InputTokenCount!.Value, 10, 100);
        Assert.InRange(withImage.Usage!.InputTokenCount!.Value - textOnly.Usage.InputTokenCount.Value, Phi3VisionTokenRule.ImageTokens(336, 336) - 3, Phi3VisionTokenRule.ImageTokens(336, 336) + 3);
    }

    [Fact]
    public async Task GetResponseAsync_TextOnlyOnVisionModel_EqualsTheRawLoop()
    {
        using var client = new Phi3ChatClient(fixture.Model);
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, VisionModelFixture.Question)], VisionModelFixture.Greedy(8));
        var (inputTokens, generated) = fixture.GenerateRaw("<|user|>\n" + VisionModelFixture.Question + "<|end|>\n<|assistant|>\n", [], 8);

        Assert.Equal(inputTokens, response.Usage!.InputTokenCount);
        Assert.Equal(generated, Tokens(response));
    }

    [Fact]
    public async Task GetResponseAsync_StopSequenceWithImage_StopsBeforeIt()
    {
        using var client = new Phi3ChatClient(fixture.Model);
        ChatMessage[] messages = [Ask(VisionModelFixture.Image(336, 336), Question)];
        string full = (await client.GetResponseAsync(messages, VisionModelFixture.Greedy(12))).Text;
        Assert.True(full.Length > 6, $"answer '{full}'");
        string stop = full.Substring(full.Length / 2, 2);
        var options = VisionModelFixture.Greedy(12);
        options.StopSequences = [stop];

        var stopped = await client.GetResponseAsync(messages, options);

        Assert.Equal(full[..full.IndexOf(stop, StringComparison.Ordinal)], stopped.Text);
        Assert.Equal(ChatFinishReason.Stop, stopped.FinishReason);
    }

    [Fact]
    public async Task GetResponseAsync_JsonFormatAboutAnImage_AnswersJson()
    {
        using var client = new Phi3ChatClient(fixture.Model);
        var options = VisionModelFixture.Greedy(24);
        options.ResponseFormat = ChatResponseFormat.ForJsonSchema(System.Text.Json.JsonDocument.Parse("""{"type":"object","properties":{"a":{"type":"boolean"}},"required":["a"],"additionalProperties":false}""").RootElement);

        var response = await client.GetResponseAsync([Ask(VisionModelFixture.Image(336, 336), new TextContent("Is there a cat? Answer in JSON."))], options);

        Assert.StartsWith("{", response.Text.TrimStart(), StringComparison.Ordinal);
        Assert.True(response.Usage!.InputTokenCount > Phi3VisionTokenRule.ImageTokens(336, 336));
    }

    [Fact]
    public async Task GetResponseAsync_ConcurrentImageRequests_EqualSequentialOnes()
    {
        using var client = new Phi3ChatClient(fixture.Model, new Phi3ChatClientOptions { EnableKvReuse = false });
        ChatMessage[][] requests = [[Ask(VisionModelFixture.Image(336, 336, seed: 4), Question)], [Ask(VisionModelFixture.Image(500, 900, seed: 5), Question)], [Ask(VisionModelFixture.Image(1344, 1008, seed: 6), Question)]];
        var sequential = new List<int[]>();
        foreach (var messages in requests)
        {
            sequential.Add(Tokens(await client.GetResponseAsync(messages, VisionModelFixture.Greedy(4))));
        }

        var concurrent = await Task.WhenAll(requests.Select(m => Task.Run(() => client.GetResponseAsync(m, VisionModelFixture.Greedy(4)))));

        Assert.Equal(sequential, concurrent.Select(Tokens));
    }
}
