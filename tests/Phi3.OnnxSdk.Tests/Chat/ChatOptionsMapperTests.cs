using System.Text.Json;
using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.Chat;

namespace Phi3.OnnxSdk.Tests.Chat;

public sealed class ChatOptionsMapperTests
{
    [Fact]
    public void ToSettings_NoOptions_GreedyWithDefaultLimit()
    {
        var settings = ChatOptionsMapper.ToSettings(null, new Phi3ChatClientOptions());
        Assert.False(settings.SearchFlags["do_sample"]);
        Assert.Equal(Phi3ChatClientOptions.DefaultMaxOutputTokens, settings.MaxOutputTokens);
        Assert.Null(settings.GuidanceType);
        Assert.Empty(settings.StopSequences);
    }

    [Fact]
    public void ToSettings_RequestAndClientValues_RequestWins()
    {
        var client = new Phi3ChatClientOptions { MaxOutputTokens = 7, Temperature = 0.5f, StopSequences = ["a"] };
        var settings = ChatOptionsMapper.ToSettings(new ChatOptions { MaxOutputTokens = 3, StopSequences = ["b", ""] }, client);
        Assert.Equal(3, settings.MaxOutputTokens);
        Assert.Equal(["b"], settings.StopSequences);
        Assert.Equal(0.5, settings.SearchNumbers["temperature"], 5);
        Assert.True(settings.SearchFlags["do_sample"]);
        Assert.Equal(ChatOptionsMapper.DefaultSamplingTopK, settings.SearchNumbers["top_k"]);
    }

    [Fact]
    public void ToSettings_TemperatureZero_Greedy()
    {
        var settings = ChatOptionsMapper.ToSettings(new ChatOptions { Temperature = 0, Seed = 5 }, new Phi3ChatClientOptions());
        Assert.False(settings.SearchFlags["do_sample"]);
        Assert.Equal(5, settings.SearchNumbers["random_seed"]);
    }

    [Fact]
    public void ToSettings_TopPTopK_MappedAndSampling()
    {
        var settings = ChatOptionsMapper.ToSettings(new ChatOptions { TopP = 0.9f, TopK = 20 }, new Phi3ChatClientOptions());
        Assert.Equal(0.9, settings.SearchNumbers["top_p"], 5);
        Assert.Equal(20, settings.SearchNumbers["top_k"]);
        Assert.True(settings.SearchFlags["do_sample"]);
    }

    [Theory]
    [InlineData(0.5f, null)]
    [InlineData(null, 1.0f)]
    [InlineData(-0.5f, 2.0f)]
    public void ToSettings_FrequencyOrPresencePenalty_IgnoredAndListedNamingTheAlternative(float? frequency, float? presence)
    {
        var options = new ChatOptions { FrequencyPenalty = frequency, PresencePenalty = presence };

        var settings = ChatOptionsMapper.ToSettings(options, new Phi3ChatClientOptions());

        Assert.Equal(ChatOptionsMapper.ToSettings(null, new Phi3ChatClientOptions()).GeneratorKey, settings.GeneratorKey);
        var ignored = ChatOptionsMapper.IgnoredOptions(options).ToList();
        Assert.Equal(
            new[] { frequency is null ? null : nameof(ChatOptions.FrequencyPenalty), presence is null ? null : nameof(ChatOptions.PresencePenalty) }.OfType<string>(),
            ignored.Select(i => i.Option));
        Assert.All(ignored, i => Assert.Contains(Phi3ChatOptionKeys.RepetitionPenalty, i.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void ToSettings_TemperatureOnly_SamplesWithoutTopKLimit()
    {
        var settings = ChatOptionsMapper.ToSettings(new ChatOptions { Temperature = 0.8f }, new Phi3ChatClientOptions());

        Assert.True(settings.SearchFlags["do_sample"]);
        Assert.Equal(0.8, settings.SearchNumbers["temperature"], 5);

        // 0 is onnxruntime-genai's "no top-k"; Phi-3's config alone would apply top_k 1 (greedy).
        Assert.Equal(0, settings.SearchNumbers["top_k"]);
        Assert.False(settings.SearchNumbers.ContainsKey("top_p"));
    }

    [Fact]
    public void ToSettings_ZeroPenalties_AcceptedAndNotReportedAsIgnored()
    {
        var options = new ChatOptions { FrequencyPenalty = 0, PresencePenalty = 0 };
        var settings = ChatOptionsMapper.ToSettings(options, new Phi3ChatClientOptions());
        Assert.False(settings.SearchNumbers.ContainsKey("repetition_penalty"));
        Assert.Empty(ChatOptionsMapper.IgnoredOptions(options));
    }

    [Fact]
    public void ToSettings_TypedAdditionalProperties_Mapped()
    {
        var options = new ChatOptions
        {
            AdditionalProperties = new()
            {
                [Phi3ChatOptionKeys.RepetitionPenalty] = JsonDocument.Parse("1.2").RootElement,
                [Phi3ChatOptionKeys.NoRepeatNgramSize] = 3,
                [Phi3ChatOptionKeys.DoSample] = "false",
                ["some.other.provider"] = new object(),
            },
        };
        var settings = ChatOptionsMapper.ToSettings(options, new Phi3ChatClientOptions());
        Assert.Equal(1.2, settings.SearchNumbers["repetition_penalty"], 5);
        Assert.Equal(3, settings.SearchNumbers["no_repeat_ngram_size"]);
        Assert.False(settings.SearchFlags["do_sample"]);
    }

    [Fact]
    public void ToSettings_AdditionalPropertyWrongType_ArgumentExceptionNamingKey()
    {
        var options = new ChatOptions { AdditionalProperties = new() { [Phi3ChatOptionKeys.RepetitionPenalty] = true } };
        var ex = Assert.Throws<ArgumentException>(() => ChatOptionsMapper.ToSettings(options, new Phi3ChatClientOptions()));
        Assert.Contains(Phi3ChatOptionKeys.RepetitionPenalty, ex.Message);
    }

    [Fact]
    public void ToSettings_JsonFormats_JsonSchemaGuidance()
    {
        var plain = ChatOptionsMapper.ToSettings(new ChatOptions { ResponseFormat = ChatResponseFormat.Json }, new Phi3ChatClientOptions());
        Assert.Equal("json_schema", plain.GuidanceType);
        Assert.Equal("""{"type":"object"}""", plain.GuidanceData);

        var schema = JsonDocument.Parse("""{"type":"object","properties":{"a":{"type":"integer"}}}""").RootElement;
        var typed = ChatOptionsMapper.ToSettings(new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema) }, new Phi3ChatClientOptions());
        Assert.Equal("json_schema", typed.GuidanceType);
        Assert.Contains("\"integer\"", typed.GuidanceData);
    }

    [Fact]
    public void ToSettings_TwoGuidances_NotSupported() =>
        Assert.Throws<NotSupportedException>(() => ChatOptionsMapper.ToSettings(
            new ChatOptions { ResponseFormat = ChatResponseFormat.Json, AdditionalProperties = new() { [Phi3ChatOptionKeys.RegexGuidance] = "a+" } },
            new Phi3ChatClientOptions()));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void ToSettings_MaxOutputTokensNotPositive_Throws(int value) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ChatOptionsMapper.ToSettings(new ChatOptions { MaxOutputTokens = value }, new Phi3ChatClientOptions()));

    [Fact]
    public void GeneratorKey_SameSearchOptionsDifferentLimits_Equal()
    {
        var a = ChatOptionsMapper.ToSettings(new ChatOptions { MaxOutputTokens = 3, StopSequences = ["x"] }, new Phi3ChatClientOptions());
        var b = ChatOptionsMapper.ToSettings(new ChatOptions { MaxOutputTokens = 9 }, new Phi3ChatClientOptions());
        var c = ChatOptionsMapper.ToSettings(new ChatOptions { Temperature = 0.7f }, new Phi3ChatClientOptions());
        Assert.Equal(a.GeneratorKey, b.GeneratorKey);
        Assert.NotEqual(a.GeneratorKey, c.GeneratorKey);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(42L)]
    [InlineData(int.MaxValue)]
    public void ToRandomSeed_NonNegativeInt32_PassesUnchanged(long seed) => Assert.Equal(seed, ChatOptionsMapper.ToRandomSeed(seed));

    [Theory]
    [InlineData(-1L)]
    [InlineData(int.MinValue)]
    [InlineData(long.MinValue)]
    [InlineData(long.MaxValue)]
    [InlineData(int.MaxValue + 1L)]
    public void ToRandomSeed_AnyOtherValue_IsAStableNonNegativeInt32(long seed)
    {
        // onnxruntime-genai reads a negative random_seed as "seed from the random device" and refuses values beyond 32 bits.
        int mapped = ChatOptionsMapper.ToRandomSeed(seed);
        Assert.InRange(mapped, 0, int.MaxValue);
        Assert.Equal(mapped, ChatOptionsMapper.ToRandomSeed(seed));
    }

    [Fact]
    public void ToRandomSeed_NeighbouringNegativeSeeds_StayDistinct() =>
        Assert.Equal(10_000, Enumerable.Range(1, 10_000).Select(i => ChatOptionsMapper.ToRandomSeed(-i)).Distinct().Count());

    [Fact]
    public void ToSettings_NegativeSeed_SetsANonNegativeRandomSeed()
    {
        var settings = ChatOptionsMapper.ToSettings(new ChatOptions { Temperature = 1, Seed = -1 }, new Phi3ChatClientOptions());
        Assert.Equal(ChatOptionsMapper.ToRandomSeed(-1), settings.SearchNumbers["random_seed"]);
        Assert.True(settings.SearchNumbers["random_seed"] >= 0);
    }
    [Fact]
    public void ChatOptions_EveryPublicProperty_MappedOrListedAsIgnored()
    {
        var properties = typeof(ChatOptions).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance).Select(p => p.Name).ToList();

        // A property that Microsoft.Extensions.AI adds must be mapped, or ignored, logged and documented, before this passes.
        Assert.All(properties, name => Assert.True(
            ChatOptionsMapper.MappedOptions.Contains(name) ^ ChatOptionsMapper.IgnoredOptionNames.Contains(name),
            $"ChatOptions.{name} is neither mapped nor listed as ignored (ChatOptionsMapper.MappedOptions / IgnoredOptionNames, docs/tool-calling.md \"Options\")"));
        Assert.Subset(properties.ToHashSet(StringComparer.Ordinal), ChatOptionsMapper.MappedOptions.Union(ChatOptionsMapper.IgnoredOptionNames).ToHashSet(StringComparer.Ordinal));
    }

    [Fact]
    public void IgnoredOptions_EveryIgnoredOptionSet_EachListedWithAReason()
    {
        var options = new ChatOptions
        {
            FrequencyPenalty = 0.5f,
            PresencePenalty = 0.5f,
            ConversationId = "conversation-1",
            Reasoning = new ReasoningOptions(),
            AllowBackgroundResponses = true,
            ContinuationToken = ResponseContinuationToken.FromBytes(new byte[] { 1, 2 }),
            RawRepresentationFactory = _ => null,
        };

        var ignored = ChatOptionsMapper.IgnoredOptions(options).ToList();

        Assert.Equal(ChatOptionsMapper.IgnoredOptionNames.Order(StringComparer.Ordinal), ignored.Select(i => i.Option).Order(StringComparer.Ordinal));
        Assert.All(ignored, i => Assert.False(string.IsNullOrWhiteSpace(i.Reason)));
        var settings = ChatOptionsMapper.ToSettings(options, new Phi3ChatClientOptions(), null);
        Assert.Equal(ChatOptionsMapper.ToSettings(null, new Phi3ChatClientOptions(), null).MaxOutputTokens, settings.MaxOutputTokens);
    }
}
