using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Tests.Faults;

/// <summary>
/// Damaged model folders, each loaded through <c>new Phi3ChatClient(folder)</c> (run in a child process by
/// <see cref="LoadFaultTests"/>): the load must fail with a <see cref="Phi3ModelException"/> naming the file (and the
/// field), and the forced collection after it must find nothing that crashes.
/// </summary>
public sealed class LoadAttacks
{
    private const string Config = "genai_config.json";
    private const string TokenizerJson = "tokenizer.json";
    private const string TokenizerConfig = "tokenizer_config.json";

    private LoadAttacks()
    {
    }

    [Attack]
    public static void TokenizerConfigMissing() => Refused(f => f.Delete(TokenizerConfig), TokenizerConfig, TokenizerConfig);

    [Attack]
    public static void TokenizerConfigCorrupt() => Refused(f => f.Truncate(TokenizerConfig), TokenizerConfig, "not valid JSON");

    [Attack]
    public static void TokenizerJsonTruncated() => Refused(f => f.Truncate(TokenizerJson), TokenizerJson, "not valid JSON");

    [Attack]
    public static void TokenizerJsonNotATokenizer() => Refused(f => f.Write(TokenizerJson, """{"foo":1}"""), TokenizerJson, "model.vocab");

    /// <summary>Files that pass every check, refused by onnxruntime-genai's own tokenizer constructor: the failed native object must not reach a finalizer.</summary>
    [Attack]
    public static void TokenizerClassUnsupported() =>
        Refused(f => f.EditJson(TokenizerConfig, c => c["tokenizer_class"] = "NoSuchTokenizer"), null, "Unsupported tokenizer class");

    [Attack]
    public static void TokenizerOfAThousandEntries() => Refused(
        f => f.EditJson(TokenizerJson, t =>
        {
            var vocab = t["model"]!["vocab"]!.AsObject();
            t["model"]!["vocab"] = new JsonObject(vocab.Where(p => (int)p.Value! < 1000).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value!.DeepClone())));
        }),
        TokenizerJson,
        "outside the model's vocabulary");

    [Attack]
    public static void TokenizerLargerThanTheModel() => Refused(
        f => f.EditJson(TokenizerJson, t => t["added_tokens"]!.AsArray().Add(new JsonObject { ["id"] = 40000, ["content"] = "<|extra|>", ["special"] = true })),
        TokenizerJson,
        "token ids up to 40000");

    [Attack]
    public static void ConfigVocabSizeOffTheGraph() => RefusedConfig(c => c["model"]!["vocab_size"] = 32000, "model.vocab_size", "32064");

    [Attack]
    public static void ConfigHeadSizeOffTheGraph() => RefusedConfig(c => c["model"]!["decoder"]!["head_size"] = 16, "model.decoder.head_size");

    [Attack]
    public static void ConfigKvHeadsOffTheGraph() => RefusedConfig(c => c["model"]!["decoder"]!["num_key_value_heads"] = 2, "model.decoder.num_key_value_heads");

    [Attack]
    public static void ConfigMoreLayersThanTheGraph() => RefusedConfig(c => c["model"]!["decoder"]!["num_hidden_layers"] = 3, "model.decoder.num_hidden_layers", "past_key_values.2.key");

    [Attack]
    public static void ConfigFewerLayersThanTheGraph() => RefusedConfig(c => c["model"]!["decoder"]!["num_hidden_layers"] = 1, "model.decoder.num_hidden_layers", "further layer");

    [Attack]
    public static void ConfigPadOutsideTheVocabulary() => RefusedConfig(c => c["model"]!["pad_token_id"] = 40000, "model.pad_token_id");

    [Attack]
    public static void ConfigEosOutsideTheVocabulary() => RefusedConfig(c => c["model"]!["eos_token_id"] = new JsonArray(32000, 70000), "model.eos_token_id", "70000");

    [Attack]
    public static void ConfigContextBeyondTheRotaryCache() => RefusedConfig(c => c["model"]!["context_length"] = 8192, "model.context_length", "4096");

    [Attack]
    public static void ConfigContextLengthAsString() => RefusedConfig(c => c["model"]!["context_length"] = "4096", "model.context_length", "a string");

    [Attack]
    public static void ConfigFlagAsString() => RefusedConfig(c => c["search"]!["do_sample"] = "false", "search.do_sample", "true or false");

    /// <summary>After the failed loads (and their collections), the process still loads a sound model and answers.</summary>
    [Attack]
    public static async Task SoundFolderStillLoadsAndAnswers()
    {
        using var folder = ModelFolderCopy.OfTiny();
        using var client = new Phi3ChatClient(folder.Folder);
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { MaxOutputTokens = 3 });
        Assert.Equal(3, response.Usage!.OutputTokenCount);
    }

    private static void RefusedConfig(Action<JsonNode> edit, params string[] inMessage) =>
        Refused(f => f.EditJson(Config, edit), Config, inMessage);

    /// <summary>Damages a copy, loads it, and checks the refusal names <paramref name="faultyFile"/> (when given) and says <paramref name="inMessage"/>.</summary>
    private static void Refused(Action<ModelFolderCopy> damage, string? faultyFile, params string[] inMessage)
    {
        using var folder = ModelFolderCopy.OfTiny();
        damage(folder);
        var ex = Assert.Throws<Phi3ModelException>(() => Load(folder.Folder));
        if (faultyFile is not null)
        {
            Assert.Equal(folder.PathOf(faultyFile), ex.Path);
            Assert.Contains(folder.PathOf(faultyFile), ex.Message, StringComparison.Ordinal);
        }

        foreach (string part in inMessage)
        {
            Assert.Contains(part, ex.Message, StringComparison.Ordinal);
        }

        // A caller that catches the failure, then the finalizers: nothing the failed load left may crash them.
        ChildEntryPoint.ForceCollection();
    }

    /// <summary>Loads in its own frame, so the half-built objects are unreachable when the caller collects.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Load(string folder)
    {
        using var client = new Phi3ChatClient(folder);
    }
}
