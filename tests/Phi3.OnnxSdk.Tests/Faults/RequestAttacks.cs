using System.Text;
using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Tests.Faults;

/// <summary>
/// Request text and option values at and past their edges (run in a child process by <see cref="RequestFaultTests"/>):
/// every character reaches the model, every seed reproduces, every accepted value works, and what cannot work is
/// refused when the client is made or the call is made, with the option named.
/// </summary>
public sealed class RequestAttacks
{
    private static readonly Lazy<Phi3Model> s_model = new(() => new Phi3Model(TestModelCache.GetOrBuild("tiny")));

    private RequestAttacks()
    {
    }

    private static Phi3Model Model => s_model.Value;

    /// <summary>The reproduction: a NUL used to end the text for the native encoder ("abc", 4 input tokens).</summary>
    [Attack]
    public static async Task NulInMessagesReachesTheModel()
    {
        using var client = new Phi3ChatClient(Model);
        const string Text = "abc\0 and then the secret word is pineapple";

        // U+0001 is, like NUL, a character outside the vocabulary that byte fallback encodes as one byte token: same count.
        long withNul = await InputTokensAsync(client, Text);
        Assert.Equal(await InputTokensAsync(client, Text.Replace('\0', '\u0001')), withNul);
        Assert.True(withNul > await InputTokensAsync(client, "abc") + 8, $"only {withNul} input tokens");

        var system = new ChatMessage(ChatRole.System, "rules\0 secret");
        long withSystem = (await client.GetResponseAsync([system, new ChatMessage(ChatRole.User, "hi")], new ChatOptions { MaxOutputTokens = 1 })).Usage!.InputTokenCount!.Value;
        long withoutNul = (await client.GetResponseAsync([new ChatMessage(ChatRole.System, "rules\u0001 secret"), new ChatMessage(ChatRole.User, "hi")], new ChatOptions { MaxOutputTokens = 1 })).Usage!.InputTokenCount!.Value;
        Assert.Equal(withoutNul, withSystem);
    }

    [Attack]
    public static void UnpairedSurrogateRefusedAtTheCall()
    {
        using var client = new Phi3ChatClient(Model);
        var ex = Assert.Throws<ArgumentException>(() => client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "cut emoji \uD83D")]));
        Assert.Contains("surrogate", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>The reproduction: a negative seed used to mean "pick one", and seeds beyond 32 bits were refused while streaming.</summary>
    [Attack]
    public static async Task EverySeedReproduces()
    {
        using var client = new Phi3ChatClient(Model);
        foreach (long seed in new[] { -1L, -2L, long.MinValue, long.MaxValue, int.MaxValue + 1L, int.MinValue, 0L, 42L })
        {
            var options = new ChatOptions { MaxOutputTokens = 12, Temperature = 1.5f, TopK = 100, Seed = seed };
            string first = (await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Say something random.")], options)).Text;
            string second = (await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Say something random.")], options)).Text;
            Assert.True(first == second, $"seed {seed}: '{first}' then '{second}'");
        }
    }

    /// <summary>The reproduction: PrefillChunkTokens = int.MaxValue overflowed on the second turn of a conversation.</summary>
    [Attack]
    public static async Task PrefillChunkOfIntMaxValueOnALaterTurn()
    {
        using var client = new Phi3ChatClient(Model, new Phi3ChatClientOptions { PrefillChunkTokens = int.MaxValue });
        List<ChatMessage> chat = [new(ChatRole.User, "First question?")];
        var first = await client.GetResponseAsync(chat, new ChatOptions { MaxOutputTokens = 4 });
        chat.AddRange(first.Messages);
        chat.Add(new ChatMessage(ChatRole.User, "Second question?"));
        var second = await client.GetResponseAsync(chat, new ChatOptions { MaxOutputTokens = 4 });
        Assert.Equal(4, second.Usage!.OutputTokenCount);
        Assert.True(client.ReusedTokens > 0, "the second turn reused the first turn's KV cache");
    }

    [Attack]
    public static async Task OptionsAtTheirLargestValuesWork()
    {
        // A 256-token context: filling it (the last check) costs a 256-token prefill instead of the tiny model's 4096.
        using var folder = ModelFolderCopy.OfTiny();
        folder.EditJson("genai_config.json", config =>
        {
            config["model"]!["context_length"] = 256;
            config["search"]!["max_length"] = 256;
        });
        using var small = new Phi3Model(folder.Folder);
        Assert.Equal(256, small.ContextLength);
        using var client = new Phi3ChatClient(small, new Phi3ChatClientOptions
        {
            MaxOutputTokens = int.MaxValue,
            MaxConcurrentGenerations = int.MaxValue,
            MaxCachedSessions = int.MaxValue,
            MaxCachedKvBytes = long.MaxValue,
            KvCacheHeadroomTokens = int.MaxValue,
            PrefillChunkTokens = int.MaxValue,
            Seed = long.MaxValue,
        });
        List<ChatMessage> chat = [new(ChatRole.User, "First question?")];
        var first = await client.GetResponseAsync(chat, new ChatOptions { MaxOutputTokens = 4 });
        chat.AddRange(first.Messages);
        chat.Add(new ChatMessage(ChatRole.User, "Second question?"));
        Assert.Equal(4, (await client.GetResponseAsync(chat, new ChatOptions { MaxOutputTokens = 4 })).Usage!.OutputTokenCount);

        // The default output limit of int.MaxValue tokens ends at the context.
        var longPrompt = new ChatMessage(ChatRole.User, new StringBuilder().Insert(0, " a", small.ContextLength - 40).ToString());
        var full = await client.GetResponseAsync([longPrompt]);
        Assert.Equal(ChatFinishReason.Length, full.FinishReason);
        Assert.Equal(small.ContextLength, full.Usage!.InputTokenCount + full.Usage.OutputTokenCount);
        Assert.True(full.Usage.OutputTokenCount > 0);
    }

    [Attack]
    public static void OptionsOutOfRangeRefusedAtConstruction()
    {
        var cases = new (Phi3ChatClientOptions Options, string Name)[]
        {
            (new() { TopK = 32065 }, nameof(Phi3ChatClientOptions.TopK)),
            (new() { TopK = 0 }, nameof(Phi3ChatClientOptions.TopK)),
            (new() { Temperature = float.NaN }, nameof(Phi3ChatClientOptions.Temperature)),
            (new() { Temperature = -1 }, nameof(Phi3ChatClientOptions.Temperature)),
            (new() { TopP = 0 }, nameof(Phi3ChatClientOptions.TopP)),
            (new() { TopP = 1.5f }, nameof(Phi3ChatClientOptions.TopP)),
            (new() { MaxOutputTokens = 0 }, nameof(Phi3ChatClientOptions.MaxOutputTokens)),
            (new() { MaxConcurrentGenerations = 0 }, nameof(Phi3ChatClientOptions.MaxConcurrentGenerations)),
            (new() { MaxCachedSessions = -1 }, nameof(Phi3ChatClientOptions.MaxCachedSessions)),
            (new() { KvCacheHeadroomTokens = -1 }, nameof(Phi3ChatClientOptions.KvCacheHeadroomTokens)),
            (new() { PrefillChunkTokens = 0 }, nameof(Phi3ChatClientOptions.PrefillChunkTokens)),
            (new() { BatchGatherTime = TimeSpan.FromMilliseconds(-1) }, nameof(Phi3ChatClientOptions.BatchGatherTime)),
        };
        foreach (var (options, name) in cases)
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Phi3ChatClient(Model, options));
            Assert.Equal(name, ex.ParamName);
            Assert.Contains(name, ex.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>The reproduction: these failed as an OnnxRuntimeGenAIException while enumerating.</summary>
    [Attack]
    public static void RequestValuesRefusedAtTheCall()
    {
        using var client = new Phi3ChatClient(Model);
        ChatMessage[] hello = [new(ChatRole.User, "hi")];
        Assert.Contains("32064", Assert.ThrowsAny<ArgumentException>(() => client.GetStreamingResponseAsync(hello, new ChatOptions { TopK = int.MaxValue })).Message, StringComparison.Ordinal);
        Assert.ThrowsAny<ArgumentException>(() => client.GetStreamingResponseAsync(hello, new ChatOptions { TopK = 32065 }));
        var regex = Assert.ThrowsAny<ArgumentException>(() => client.GetStreamingResponseAsync(hello, new ChatOptions { AdditionalProperties = new() { [Phi3ChatOptionKeys.RegexGuidance] = "[a-" } }));
        Assert.Contains(Phi3ChatOptionKeys.RegexGuidance, regex.Message, StringComparison.Ordinal);
        var lark = Assert.ThrowsAny<ArgumentException>(() => client.GetStreamingResponseAsync(hello, new ChatOptions { AdditionalProperties = new() { [Phi3ChatOptionKeys.LarkGrammarGuidance] = "start: ((" } }));
        Assert.Contains(Phi3ChatOptionKeys.LarkGrammarGuidance, lark.Message, StringComparison.Ordinal);
        Assert.ThrowsAny<ArgumentException>(() => client.GetStreamingResponseAsync(hello, new ChatOptions { AdditionalProperties = new() { [Phi3ChatOptionKeys.NoRepeatNgramSize] = 1e12 } }));

        // The values next to the edges are accepted.
        _ = client.GetStreamingResponseAsync(hello, new ChatOptions { TopK = 32064, AdditionalProperties = new() { [Phi3ChatOptionKeys.RegexGuidance] = "[a-z]{1,3}" } });
    }

    private static async Task<long> InputTokensAsync(Phi3ChatClient client, string text) =>
        (await client.GetResponseAsync([new ChatMessage(ChatRole.User, text)], new ChatOptions { MaxOutputTokens = 1 })).Usage!.InputTokenCount!.Value;
}
