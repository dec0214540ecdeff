using System.Diagnostics;
using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.Tests.Hub;

namespace Phi3.OnnxSdk.Tests.Chat;

/// <summary>What Microsoft.Extensions.AI users of other providers expect: model ids, ignored options, sampling, raw output, telemetry.</summary>
[Collection(TinyModelGroup.Name)]
public sealed class Phi3ChatClientConformanceTests(TinyModelFixture fixture)
{
    private static ChatMessage[] Hello => [new ChatMessage(ChatRole.User, "Hello world!")];

    [Fact]
    public async Task GetResponseAsync_OptionsModelIdNamesAnotherModel_ResponseAndUpdatesNameTheLoadedModelLoggedOnce()
    {
        var logger = new CapturingLogger();
        using var client = new Phi3ChatClient(fixture.Model, new Phi3ChatClientOptions { ModelId = "tiny-test", Logger = logger });
        var options = new ChatOptions { ModelId = "some-other-model", MaxOutputTokens = 4 };

        var response = await client.GetResponseAsync(Hello, options);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Hello, options))
        {
            updates.Add(update);
        }

        Assert.Equal("tiny-test", response.ModelId);
        Assert.All(updates, u => Assert.Equal("tiny-test", u.ModelId));
        var logged = Assert.Single(logger.Messages, m => m.Contains("some-other-model", StringComparison.Ordinal));
        Assert.StartsWith("Debug: ", logged, StringComparison.Ordinal);
        Assert.Contains("'tiny-test'", logged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_FrequencyAndPresencePenalty_ServedAsWithoutThemAndLoggedOnce()
    {
        var logger = new CapturingLogger();
        using var client = new Phi3ChatClient(fixture.Model, new Phi3ChatClientOptions { Logger = logger });

        var plain = await client.GetResponseAsync(Hello, new ChatOptions { MaxOutputTokens = 8 });
        var penalised = await client.GetResponseAsync(Hello, new ChatOptions { MaxOutputTokens = 8, FrequencyPenalty = 0.5f, PresencePenalty = 1 });
        await client.GetResponseAsync(Hello, new ChatOptions { MaxOutputTokens = 1, FrequencyPenalty = 0.7f });

        Assert.Equal(plain.Text, penalised.Text);
        Assert.Single(logger.Messages, m => m.StartsWith("Debug: ChatOptions.FrequencyPenalty is ignored", StringComparison.Ordinal));
        Assert.Single(logger.Messages, m => m.StartsWith("Debug: ChatOptions.PresencePenalty is ignored", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetResponseAsync_ConversationReasoningAndBackgroundOptions_ServedAsWithoutThemAndLoggedOnce()
    {
        var logger = new CapturingLogger();
        using var client = new Phi3ChatClient(fixture.Model, new Phi3ChatClientOptions { Logger = logger });
        ChatOptions Ignored() => new()
        {
            MaxOutputTokens = 6,
            ConversationId = "conversation-1",
            Reasoning = new ReasoningOptions(),
            AllowBackgroundResponses = true,
            ContinuationToken = ResponseContinuationToken.FromBytes(new byte[] { 1 }),
            RawRepresentationFactory = _ => null,
        };

        var plain = await client.GetResponseAsync(Hello, new ChatOptions { MaxOutputTokens = 6 });
        var ignored = await client.GetResponseAsync(Hello, Ignored());
        await client.GetResponseAsync(Hello, Ignored());

        Assert.Equal(plain.Text, ignored.Text);
        Assert.Null(ignored.ContinuationToken);
        foreach (string option in new[] { "ConversationId", "Reasoning", "AllowBackgroundResponses", "ContinuationToken", "RawRepresentationFactory" })
        {
            Assert.Single(logger.Messages, m => m.StartsWith($"Debug: ChatOptions.{option} is ignored", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task GetResponseAsync_TemperatureOnly_SamplesFromTheWholeVocabularyNotTheTopFifty()
    {
        using var client = new Phi3ChatClient(fixture.Model);

        var first = new HashSet<string>(StringComparer.Ordinal);
        for (int seed = 0; seed < 64; seed++)
        {
            var response = await client.GetResponseAsync(Hello, new ChatOptions { MaxOutputTokens = 1, Temperature = 1, Seed = seed });
            first.Add(string.Join(",", (int[])response.RawRepresentation!));
        }

        // A hidden top-k of 50 could give at most 50 different first tokens; the random model's spread gives more.
        Assert.True(first.Count > 50, $"{first.Count} different first tokens in 64 samples");
    }

    [Fact]
    public async Task GetStreamingResponseAsync_RawRepresentation_TokenIdsOfEachUpdateEndToEndEqualTheRawGenerator()
    {
        using var client = new Phi3ChatClient(fixture.Model);
        int[] reference = fixture.GenerateRaw(fixture.Encode("<|user|>\nHello world!<|end|>\n<|assistant|>\n"), 20);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Hello, new ChatOptions { MaxOutputTokens = 20 }))
        {
            updates.Add(update);
        }

        var response = await client.GetResponseAsync(Hello, new ChatOptions { MaxOutputTokens = 20 });

        Assert.All(updates, u => Assert.IsType<int[]>(u.RawRepresentation));
        Assert.Equal(reference, updates.SelectMany(u => (int[])u.RawRepresentation!));
        Assert.Equal(reference, Assert.IsType<int[]>(response.RawRepresentation));
        Assert.Equal(fixture.Model.Tokenizer.Decode(reference), response.Text);
    }

    [Fact]
    public async Task UseOpenTelemetry_LocalModel_NoServerTagsAndResponseModelIsTheLoadedModel()
    {
        const string source = "Phi3.OnnxSdk.Tests.Conformance";
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Add,
        };
        ActivitySource.AddActivityListener(listener);
        using var inner = new Phi3ChatClient(fixture.Model, new Phi3ChatClientOptions { ModelId = "tiny-test" });
        using var client = new ChatClientBuilder(inner).UseOpenTelemetry(sourceName: source).Build();

        await client.GetResponseAsync(Hello, new ChatOptions { MaxOutputTokens = 3, ModelId = "some-other-model" });

        var activity = Assert.Single(activities);
        Assert.Null(activity.GetTagItem("server.address"));
        Assert.Null(activity.GetTagItem("server.port"));
        Assert.Equal("tiny-test", activity.GetTagItem("gen_ai.response.model"));
        Assert.Equal(Phi3ChatClient.ProviderName, activity.GetTagItem("gen_ai.provider.name"));
    }
}
