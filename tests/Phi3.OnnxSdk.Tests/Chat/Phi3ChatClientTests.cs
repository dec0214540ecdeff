using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.Chat;

namespace Phi3.OnnxSdk.Tests.Chat;

[Collection(TinyModelGroup.Name)]
public sealed class Phi3ChatClientTests
{
    private readonly TinyModelFixture _fixture;

    public Phi3ChatClientTests(TinyModelFixture fixture) => _fixture = fixture;

    private static ChatMessage[] Hello => [new ChatMessage(ChatRole.User, "Hello world!")];

    private Phi3ChatClient CreateClient(Phi3ChatClientOptions? options = null) => new(_fixture.Model, options);

    private static async Task<List<ChatResponseUpdate>> CollectAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var list = new List<ChatResponseUpdate>();
        await foreach (var update in updates)
        {
            list.Add(update);
        }

        return list;
    }

    [Fact]
    public async Task GetResponseAsync_SameRequest_EqualsConcatenatedStream()
    {
        using var client = CreateClient();
        var options = new ChatOptions { MaxOutputTokens = 24 };
        var updates = await CollectAsync(client.GetStreamingResponseAsync(Hello, options));
        var response = await client.GetResponseAsync(Hello, options);

        string streamed = string.Concat(updates.Select(u => u.Text));
        Assert.NotEmpty(streamed);
        Assert.Equal(streamed, response.Text);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(24, response.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Greedy_TextEqualsRawGeneratorLoop()
    {
        using var client = CreateClient();
        int[] prompt = _fixture.Encode("<|user|>\nHello world!<|end|>\n<|assistant|>\n");
        int[] reference = _fixture.GenerateRaw(prompt, 40);
        var updates = await CollectAsync(client.GetStreamingResponseAsync(Hello, new ChatOptions { MaxOutputTokens = 40 }));
        Assert.Equal(_fixture.StreamDecode(reference), string.Concat(updates.Select(u => u.Text)));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Updates_CarryIdsRoleAndOneFinalUsage()
    {
        using var client = CreateClient(new Phi3ChatClientOptions { ModelId = "tiny-test" });
        var updates = await CollectAsync(client.GetStreamingResponseAsync(Hello, new ChatOptions { MaxOutputTokens = 10 }));

        Assert.True(updates.Count >= 2);
        Assert.All(updates, u =>
        {
            Assert.Equal(ChatRole.Assistant, u.Role);
            Assert.Equal(updates[0].ResponseId, u.ResponseId);
            Assert.Equal(updates[0].MessageId, u.MessageId);
            Assert.Equal("tiny-test", u.ModelId);
            Assert.NotNull(u.CreatedAt);
        });
        Assert.False(string.IsNullOrEmpty(updates[0].ResponseId));
        Assert.False(string.IsNullOrEmpty(updates[0].MessageId));
        Assert.All(updates.SkipLast(1), u => Assert.Null(u.FinishReason));

        var usages = updates.SelectMany(u => u.Contents).OfType<UsageContent>().ToList();
        var usage = Assert.Single(usages);
        Assert.Contains(usage, updates[^1].Contents);
        Assert.Equal(ChatFinishReason.Length, updates[^1].FinishReason);
        int promptTokens = _fixture.Encode("<|user|>\nHello world!<|end|>\n<|assistant|>\n").Length;
        Assert.Equal(promptTokens, usage.Details.InputTokenCount);
        Assert.Equal(10, usage.Details.OutputTokenCount);
        Assert.Equal(promptTokens + 10, usage.Details.TotalTokenCount);
    }

    [Fact]
    public async Task GetResponseAsync_MultiTokenStopSequence_StopsExactlyBeforeIt()
    {
        using var client = CreateClient();
        string full = (await client.GetResponseAsync(Hello, new ChatOptions { MaxOutputTokens = 40 })).Text;
        int[] reference = _fixture.GenerateRaw(_fixture.Encode("<|user|>\nHello world!<|end|>\n<|assistant|>\n"), 40);

        // A stop sequence made of the text of generated tokens 10..12 (several tokens, cut mid-token at both ends).
        string before = _fixture.Model.Tokenizer.Decode(reference.AsSpan(0, 10));
        string stop = full.Substring(before.Length + 1, 6);
        Assert.True(stop.Trim().Length > 0);
        int expectedEnd = full.IndexOf(stop, StringComparison.Ordinal);

        var response = await client.GetResponseAsync(Hello, new ChatOptions { MaxOutputTokens = 40, StopSequences = [stop] });
        Assert.Equal(full[..expectedEnd], response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.True(response.Usage!.OutputTokenCount < 40);
    }

    [Fact]
    public async Task GetResponseAsync_ClientDefaultsAndRequestOptions_RequestWins()
    {
        using var client = CreateClient(new Phi3ChatClientOptions { MaxOutputTokens = 5 });
        var byDefault = await client.GetResponseAsync(Hello);
        var byRequest = await client.GetResponseAsync(Hello, new ChatOptions { MaxOutputTokens = 8 });
        Assert.Equal(5, byDefault.Usage!.OutputTokenCount);
        Assert.Equal(8, byRequest.Usage!.OutputTokenCount);
        Assert.StartsWith(byDefault.Text, byRequest.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_SamplingWithSeed_Reproducible()
    {
        using var client = CreateClient();
        var options = new ChatOptions { MaxOutputTokens = 16, Temperature = 1.5f, TopK = 100, Seed = 42 };
        var a = await client.GetResponseAsync(Hello, options);
        var b = await client.GetResponseAsync(Hello, options);
        var greedy = await client.GetResponseAsync(Hello, new ChatOptions { MaxOutputTokens = 16 });
        Assert.Equal(a.Text, b.Text);
        Assert.NotEqual(greedy.Text, a.Text);
    }

    [Fact]
    public async Task GetResponseAsync_JsonSchema_OutputMatchesSchema()
    {
        using var client = CreateClient();
        var schema = JsonDocument.Parse("""
            {"type":"object","properties":{"answer":{"type":"string","enum":["yes","no"]}},"required":["answer"],"additionalProperties":false}
            """).RootElement;
        var response = await client.GetResponseAsync(Hello, new ChatOptions { MaxOutputTokens = 40, ResponseFormat = ChatResponseFormat.ForJsonSchema(schema) });
        using var json = JsonDocument.Parse(response.Text);
        Assert.Contains(json.RootElement.GetProperty("answer").GetString(), new[] { "yes", "no" });
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public async Task GetResponseAsync_RegexGuidance_OutputMatches()
    {
        using var client = CreateClient();
        var options = new ChatOptions { MaxOutputTokens = 20, AdditionalProperties = new() { [Phi3ChatOptionKeys.RegexGuidance] = "(cat|dog)[0-9]{2}" } };
        var response = await client.GetResponseAsync(Hello, options);
        Assert.Matches("^(cat|dog)[0-9]{2}$", response.Text);
    }

    [Fact]
    public async Task GetResponseAsync_OutputReachesContext_FinishReasonLength()
    {
        using var client = CreateClient(new Phi3ChatClientOptions { EnableKvReuse = false });
        var messages = new[] { new ChatMessage(ChatRole.User, LongText(_fixture.Model.ContextLength - 20)) };
        var response = await client.GetResponseAsync(messages, new ChatOptions { MaxOutputTokens = 500 });
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(_fixture.Model.ContextLength, response.Usage!.InputTokenCount + response.Usage.OutputTokenCount);
    }

    [Fact]
    public void GetStreamingResponseAsync_PromptLongerThanContext_ThrowsBeforeGenerating()
    {
        using var client = CreateClient();
        var messages = new[] { new ChatMessage(ChatRole.User, LongText(_fixture.Model.ContextLength + 10)) };
        var ex = Assert.Throws<ArgumentException>(() => client.GetStreamingResponseAsync(messages));
        Assert.Contains("context", ex.Message);
        Assert.Equal(0, client.PrefilledTokens);
    }

    [Fact]
    public void GetStreamingResponseAsync_InvalidArguments_ThrowEagerly()
    {
        using var client = CreateClient();
        Assert.Throws<ArgumentNullException>(() => client.GetStreamingResponseAsync(null!));
        Assert.Throws<NotSupportedException>(() => client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, [new DataContent(new byte[] { 1 }, "image/png")])]));
    }

    [Fact]
    public void GetService_KnownTypes_ReturnsObjects()
    {
        using var client = CreateClient(new Phi3ChatClientOptions { ModelId = "m" });
        var metadata = client.GetService<ChatClientMetadata>()!;
        Assert.Equal(Phi3ChatClient.ProviderName, metadata.ProviderName);
        Assert.Equal("m", metadata.DefaultModelId);
        Assert.Null(metadata.ProviderUri);
        Assert.Same(_fixture.Model, client.GetService<Phi3Model>());
        Assert.Same(_fixture.Model.Model, client.GetService<Model>());
        Assert.Same(_fixture.Model.Tokenizer, client.GetService<Tokenizer>());
        Assert.Same(client, client.GetService<IChatClient>());
        Assert.Null(client.GetService<IChatClient>("key"));
        Assert.Null(client.GetService<string>());
    }

    private static string LongText(int tokens)
    {
        // " a" is one token; the turn adds 3 (user, end, assistant).
        var text = new StringBuilder();
        for (int i = 0; i < tokens - 3; i++)
        {
            text.Append(" a");
        }

        return text.ToString().TrimStart();
    }
}
