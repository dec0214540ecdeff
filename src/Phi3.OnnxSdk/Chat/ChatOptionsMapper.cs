using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Chat;

/// <summary>
/// Maps <see cref="ChatOptions"/> (per request) over <see cref="Phi3ChatClientOptions"/> (client defaults) onto
/// onnxruntime-genai search options and guidance. Pure: no native calls.
/// </summary>
internal static class ChatOptionsMapper
{
    /// <summary>
    /// top_k used when sampling is on and no top-k was given: 0, which onnxruntime-genai reads as "no top-k", so
    /// Temperature (and TopP) alone sample from the whole vocabulary as OpenAI-style options mean. The model's own
    /// config cannot be left to decide: Phi-3's genai_config.json has top_k 1, which would make sampling greedy.
    /// </summary>
    public const int DefaultSamplingTopK = 0;

    private const string JsonObjectSchema = """{"type":"object"}""";

    /// <summary>Resolves the settings of one request.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    /// <exception cref="ArgumentException">An additional property has the wrong type.</exception>
    /// <exception cref="NotSupportedException">The response format is unknown, or two guidances are set.</exception>
    public static GenerationSettings ToSettings(ChatOptions? options, Phi3ChatClientOptions defaults, Tools.ToolGuidance? toolGuidance = null)
    {
        int maxOutput = options?.MaxOutputTokens ?? defaults.MaxOutputTokens ?? Phi3ChatClientOptions.DefaultMaxOutputTokens;
        if (maxOutput <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), maxOutput, "MaxOutputTokens must be at least 1.");
        }

        var numbers = new Dictionary<string, double>(StringComparer.Ordinal);
        var flags = new Dictionary<string, bool>(StringComparer.Ordinal);
        bool sample = false;

        float? temperature = options?.Temperature ?? defaults.Temperature;
        if (temperature is { } t)
        {
            if (t < 0 || float.IsNaN(t))
            {
                throw new ArgumentOutOfRangeException(nameof(options), t, "Temperature must be 0 or more (0 means greedy).");
            }

            if (t > 0)
            {
                numbers["temperature"] = t;
                sample = true;
            }
        }

        float? topP = options?.TopP ?? defaults.TopP;
        if (topP is { } p)
        {
            if (!(p > 0 && p <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(options), p, "TopP must be in (0, 1].");
            }

            numbers["top_p"] = p;
            sample |= p < 1;
        }

        int? topK = options?.TopK ?? defaults.TopK;
        if (topK is { } k)
        {
            if (k < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(options), k, "TopK must be at least 1.");
            }

            numbers["top_k"] = k;
            sample |= k > 1;
        }

        if ((options?.Seed ?? defaults.Seed) is { } seed)
        {
            numbers["random_seed"] = ToRandomSeed(seed);
        }

        var extra = options?.AdditionalProperties;
        if (extra is not null)
        {
            if (extra.TryGetValue(Phi3ChatOptionKeys.RepetitionPenalty, out object? penalty))
            {
                double value = ToDouble(Phi3ChatOptionKeys.RepetitionPenalty, penalty);
                numbers["repetition_penalty"] = value > 0
                    ? value
                    : throw new ArgumentOutOfRangeException(nameof(options), value, $"{Phi3ChatOptionKeys.RepetitionPenalty} must be greater than 0.");
            }

            if (extra.TryGetValue(Phi3ChatOptionKeys.NoRepeatNgramSize, out object? ngram))
            {
                double value = ToDouble(Phi3ChatOptionKeys.NoRepeatNgramSize, ngram);
                numbers["no_repeat_ngram_size"] = value >= 0 && value == Math.Floor(value)
                    ? value
                    : throw new ArgumentOutOfRangeException(nameof(options), value, $"{Phi3ChatOptionKeys.NoRepeatNgramSize} must be a whole number, 0 or more.");
            }

            if (extra.TryGetValue(Phi3ChatOptionKeys.DoSample, out object? doSample))
            {
                sample = ToBool(Phi3ChatOptionKeys.DoSample, doSample);
            }
        }

        flags["do_sample"] = sample;
        if (sample && !numbers.ContainsKey("top_k"))
        {
            numbers["top_k"] = DefaultSamplingTopK;
        }

        (string? guidanceType, string? guidanceData) = Guidance(options, toolGuidance);
        var stops = (options?.StopSequences ?? defaults.StopSequences)?.Where(s => !string.IsNullOrEmpty(s)).ToArray() ?? [];
        return new GenerationSettings(maxOutput, stops, numbers, flags, guidanceType, guidanceData);
    }

    /// <summary>
    /// Maps a <see cref="ChatOptions.Seed"/> onto onnxruntime-genai's <c>random_seed</c>, a 32-bit integer whose negative
    /// values mean "seed from the random device" and which refuses values outside the 32-bit range: 0 to
    /// <see cref="int.MaxValue"/> pass unchanged (the seed a raw onnxruntime-genai program would set), and every other
    /// value is mixed (SplitMix64's finalizer) into that range, so that every seed, negative ones included, reproduces.
    /// </summary>
    internal static int ToRandomSeed(long seed)
    {
        if (seed is >= 0 and <= int.MaxValue)
        {
            return (int)seed;
        }

        ulong z = unchecked((ulong)seed + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }

    private static (string? Type, string? Data) Guidance(ChatOptions? options, Tools.ToolGuidance? toolGuidance)
    {
        var found = new List<(string, string)>();
        switch (options?.ResponseFormat)
        {
            case null:
            case ChatResponseFormatText:
                break;
            case ChatResponseFormatJson when toolGuidance is not null:
                // The tool plan's guidance holds the JSON format (with compact-JSON options), alone or beside tool calls.
                break;
            case ChatResponseFormatJson json:
                found.Add(("json_schema", json.Schema is { } schema ? schema.GetRawText() : JsonObjectSchema));
                break;
            default:
                throw new NotSupportedException($"The response format {options.ResponseFormat.GetType().Name} is not supported; use text, JSON or a JSON schema.");
        }

        if (toolGuidance is not null)
        {
            found.Add((toolGuidance.Type, toolGuidance.Data));
        }

        if (options?.AdditionalProperties is { } extra)
        {
            if (extra.TryGetValue(Phi3ChatOptionKeys.RegexGuidance, out object? regex))
            {
                found.Add(("regex", ToText(Phi3ChatOptionKeys.RegexGuidance, regex)));
            }

            if (extra.TryGetValue(Phi3ChatOptionKeys.LarkGrammarGuidance, out object? grammar))
            {
                found.Add(("lark_grammar", ToText(Phi3ChatOptionKeys.LarkGrammarGuidance, grammar)));
            }
        }

        return found.Count switch
        {
            0 => (null, null),
            1 => found[0],
            _ => throw new NotSupportedException("Only one of a JSON response format, a regex guidance and a Lark grammar guidance can be set per request."),
        };
    }

    /// <summary>The <see cref="ChatOptions"/> properties a request's settings, prompt, tools or response are made from (<see cref="ChatOptions.ModelId"/> only names what the response reports, see <see cref="Phi3ChatClient"/>).</summary>
    public static readonly IReadOnlySet<string> MappedOptions = new HashSet<string>(StringComparer.Ordinal)
    {
        nameof(ChatOptions.MaxOutputTokens), nameof(ChatOptions.Temperature), nameof(ChatOptions.TopP), nameof(ChatOptions.TopK),
        nameof(ChatOptions.Seed), nameof(ChatOptions.StopSequences), nameof(ChatOptions.ResponseFormat), nameof(ChatOptions.AdditionalProperties),
        nameof(ChatOptions.Instructions), nameof(ChatOptions.Tools), nameof(ChatOptions.ToolMode), nameof(ChatOptions.AllowMultipleToolCalls),
        nameof(ChatOptions.ModelId),
    };

    /// <summary>The <see cref="ChatOptions"/> properties the client ignores (each logged once when set, see <see cref="IgnoredOptions"/>).</summary>
    public static readonly IReadOnlySet<string> IgnoredOptionNames = new HashSet<string>(StringComparer.Ordinal)
    {
        nameof(ChatOptions.FrequencyPenalty), nameof(ChatOptions.PresencePenalty), nameof(ChatOptions.ConversationId), nameof(ChatOptions.Reasoning),
        nameof(ChatOptions.AllowBackgroundResponses), nameof(ChatOptions.ContinuationToken), nameof(ChatOptions.RawRepresentationFactory),
    };

    /// <summary>
    /// The generic options of <paramref name="options"/> that onnxruntime-genai cannot honour and the client ignores, as
    /// Microsoft.Extensions.AI's own clients ignore options their service lacks: a request never fails only because
    /// one is set. The client logs each once (docs/tool-calling.md, "Options").
    /// </summary>
    /// <returns>The option name and why it is ignored, for each one set.</returns>
    public static IEnumerable<(string Option, string Reason)> IgnoredOptions(ChatOptions? options)
    {
        const string Penalty = "onnxruntime-genai has no additive frequency or presence penalty; use AdditionalProperties[\"" + Phi3ChatOptionKeys.RepetitionPenalty + "\"] (Phi3ChatOptionKeys.RepetitionPenalty), a multiplicative penalty where values above 1 discourage repetition";
        if (options?.FrequencyPenalty is { } frequency && frequency != 0)
        {
            yield return (nameof(ChatOptions.FrequencyPenalty), Penalty);
        }

        if (options?.PresencePenalty is { } presence && presence != 0)
        {
            yield return (nameof(ChatOptions.PresencePenalty), Penalty);
        }

        if (options?.ConversationId is not null)
        {
            yield return (nameof(ChatOptions.ConversationId), "the client keeps no conversation state to refer to: send the whole history with each request (the KV cache of a prefix it has seen is reused by itself)");
        }

        if (options?.Reasoning is not null)
        {
            yield return (nameof(ChatOptions.Reasoning), "Phi-3 has no reasoning mode, effort or budget");
        }

        if (options?.AllowBackgroundResponses == true)
        {
            yield return (nameof(ChatOptions.AllowBackgroundResponses), "every response runs to its end in the call that asked for it; no continuation token is handed out");
        }

        if (options?.ContinuationToken is not null)
        {
            yield return (nameof(ChatOptions.ContinuationToken), "the client hands out no continuation tokens (no background responses), so the request runs on its messages as a new one");
        }

        if (options?.RawRepresentationFactory is not null)
        {
            yield return (nameof(ChatOptions.RawRepresentationFactory), "onnxruntime-genai has no provider options object to create; pass its settings through AdditionalProperties (Phi3ChatOptionKeys)");
        }
    }

    private static double ToDouble(string key, object? value) => value switch
    {
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        decimal m => (double)m,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) => parsed,
        JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
        _ => throw new ArgumentException($"AdditionalProperties[\"{key}\"] must be a number, not '{value ?? "null"}'.", nameof(value)),
    };

    private static bool ToBool(string key, object? value) => value switch
    {
        bool b => b,
        string s when bool.TryParse(s, out bool parsed) => parsed,
        JsonElement { ValueKind: JsonValueKind.True } => true,
        JsonElement { ValueKind: JsonValueKind.False } => false,
        _ => throw new ArgumentException($"AdditionalProperties[\"{key}\"] must be a Boolean, not '{value ?? "null"}'.", nameof(value)),
    };

    private static string ToText(string key, object? value) => value switch
    {
        string { Length: > 0 } s => s,
        JsonElement { ValueKind: JsonValueKind.String } e when e.GetString() is { Length: > 0 } s => s,
        _ => throw new ArgumentException($"AdditionalProperties[\"{key}\"] must be a non-empty string.", nameof(value)),
    };
}
