using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using static Phi3.OnnxSdk.Server.Mapping.RequestJson;

namespace Phi3.OnnxSdk.Server.Mapping;

/// <summary>
/// Maps an OpenAI chat-completions request body onto <see cref="ChatMessage"/>s and <see cref="ChatOptions"/>, so the
/// same <see cref="IChatClient"/> semantics apply as in process. Fields that would change the answer but cannot be
/// honoured (<c>n</c> above 1, <c>logprobs</c>, <c>logit_bias</c>, audio, <c>web_search_options</c>) are refused rather than ignored; fields that do
/// not change it (<c>store</c>, <c>metadata</c>, <c>service_tier</c>, ...) are ignored. Fields it does not know at all are
/// ignored too and listed in <see cref="ChatCompletionRequest.UnknownFields"/> (the endpoint logs each name once): OpenAI
/// clients add fields before a server knows them, and a 400 would break every such client. Pure: no I/O.
/// </summary>
internal static class ChatRequestParser
{
    private const int MaxStopSequences = 16;

    /// <summary>The top-level fields read, refused or deliberately ignored; anything else is unknown.</summary>
    private static readonly HashSet<string> s_known =
    [
        "model", "messages", "stream", "stream_options", "max_tokens", "max_completion_tokens", "temperature", "top_p", "seed",
        "frequency_penalty", "presence_penalty", "stop", "top_k", "repetition_penalty", "user", "tools", "tool_choice",
        "parallel_tool_calls", "response_format", "n", "logprobs", "top_logprobs", "logit_bias", "audio", "modalities",
        "functions", "function_call", "store", "metadata", "service_tier", "prediction", "reasoning_effort",
        "web_search_options", "safety_identifier", "prompt_cache_key", "verbosity",
    ];

    /// <summary>Parses a request body.</summary>
    /// <param name="root">The parsed body.</param>
    /// <param name="maxOutputTokens">The per-request ceiling on <c>max_tokens</c> / <c>max_completion_tokens</c>.</param>
    /// <param name="defaultOutputTokens">
    /// The output limit of a request that sets neither (the chat client's own default); capped at <paramref name="maxOutputTokens"/>,
    /// and <see langword="null"/> means the ceiling.
    /// </param>
    /// <returns>The mapped request.</returns>
    /// <exception cref="OpenAIRequestException">The body is not an object, or a field is missing, malformed, out of range or unsupported.</exception>
    public static ChatCompletionRequest Parse(JsonElement root, int maxOutputTokens, int? defaultOutputTokens = null)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new OpenAIRequestException("The request body must be a JSON object.", null, "invalid_type");
        }

        RefuseUnsupported(root);
        string? model = OptionalString(root, "model", "model");
        var messages = ChatMessageMapper.Map(root);
        bool stream = OptionalBool(root, "stream", "stream") ?? false;
        bool includeUsage = false;
        if (TryGet(root, "stream_options", out var streamOptions))
        {
            if (!stream)
            {
                throw new OpenAIRequestException("'stream_options' is only allowed when 'stream' is true.", "stream_options", "invalid_value");
            }

            includeUsage = streamOptions.ValueKind == JsonValueKind.Object
                ? OptionalBool(streamOptions, "include_usage", "stream_options.include_usage") ?? false
                : throw TypeError("stream_options", "an object", streamOptions);
        }

        var options = new ChatOptions
        {
            MaxOutputTokens = MaxOutputTokens(root, maxOutputTokens) ?? Math.Min(maxOutputTokens, defaultOutputTokens ?? maxOutputTokens),
            Temperature = (float?)OptionalNumber(root, "temperature", 0, 2),
            TopP = (float?)OptionalNumber(root, "top_p", 0, 1, minExclusive: true),
            Seed = OptionalInteger(root, "seed", long.MinValue, long.MaxValue),
            FrequencyPenalty = (float?)OptionalNumber(root, "frequency_penalty", -2, 2),
            PresencePenalty = (float?)OptionalNumber(root, "presence_penalty", -2, 2),
            StopSequences = StopSequences(root),
        };

        // Extensions vLLM also takes: top_k and repetition_penalty.
        if (OptionalInteger(root, "top_k", -1, int.MaxValue) is { } topK and > 0)
        {
            options.TopK = (int)topK;
        }

        if (OptionalNumber(root, "repetition_penalty", 0, 100, minExclusive: true) is { } penalty)
        {
            (options.AdditionalProperties ??= [])[Phi3ChatOptionKeys.RepetitionPenalty] = penalty;
        }

        if (OptionalString(root, "user", "user") is { } user)
        {
            (options.AdditionalProperties ??= [])["user"] = user;
        }

        ToolRequestMapper.Apply(root, options);
        var unknown = root.EnumerateObject().Select(p => p.Name).Where(n => !s_known.Contains(n)).Distinct(StringComparer.Ordinal).ToList();
        return new ChatCompletionRequest(model, messages, options, stream, includeUsage, unknown);
    }

    private static int? MaxOutputTokens(JsonElement root, int ceiling)
    {
        string hint = string.Create(CultureInfo.InvariantCulture, $"at least 1 and at most this server's limit of {ceiling}");
        long? completion = OptionalInteger(root, "max_completion_tokens", 1, ceiling, hint);
        long? legacy = OptionalInteger(root, "max_tokens", 1, ceiling, hint);
        return (int?)(completion ?? legacy);
    }

    private static List<string>? StopSequences(JsonElement root)
    {
        if (!TryGet(root, "stop", out var stop))
        {
            return null;
        }

        if (stop.ValueKind == JsonValueKind.String)
        {
            return stop.GetString() is { Length: > 0 } single ? [single] : throw new OpenAIRequestException("'stop' must not be empty.", "stop", "invalid_value");
        }

        if (stop.ValueKind != JsonValueKind.Array)
        {
            throw TypeError("stop", "a string or an array of strings", stop);
        }

        var list = new List<string>();
        int index = 0;
        foreach (var item in stop.EnumerateArray())
        {
            string param = string.Create(CultureInfo.InvariantCulture, $"stop[{index++}]");
            list.Add(item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } text
                ? text
                : throw new OpenAIRequestException($"'{param}' must be a non-empty string.", param, "invalid_value"));
        }

        return list.Count <= MaxStopSequences
            ? list
            : throw new OpenAIRequestException(string.Create(CultureInfo.InvariantCulture, $"'stop' holds {list.Count} sequences; at most {MaxStopSequences} are allowed."), "stop", "invalid_value");
    }

    private static void RefuseUnsupported(JsonElement root)
    {
        if (OptionalInteger(root, "n", 1, int.MaxValue) is > 1)
        {
            throw new OpenAIRequestException("'n' above 1 is not supported: this server returns one choice per request. Send n requests instead.", "n", "unsupported_value");
        }

        if (OptionalBool(root, "logprobs", "logprobs") == true || TryGet(root, "top_logprobs", out _))
        {
            throw Unsupported(TryGet(root, "top_logprobs", out _) ? "top_logprobs" : "logprobs", "Log probabilities ('logprobs', 'top_logprobs') are not supported by this server.");
        }

        if (TryGet(root, "logit_bias", out var bias) && (bias.ValueKind != JsonValueKind.Object || bias.EnumerateObject().Any()))
        {
            throw Unsupported("logit_bias", "'logit_bias' is not supported by this server.");
        }

        if (TryGet(root, "audio", out _))
        {
            throw Unsupported("audio", "Audio output is not supported by this server.");
        }

        if (TryGet(root, "modalities", out var modalities) && modalities.ValueKind == JsonValueKind.Array
            && modalities.EnumerateArray().Any(m => m.ValueKind != JsonValueKind.String || m.GetString() != "text"))
        {
            throw Unsupported("modalities", "Only the text modality is supported by this server.");
        }

        if (TryGet(root, "web_search_options", out _))
        {
            throw Unsupported("web_search_options", "Web search ('web_search_options') is not supported by this server: the model answers from the conversation alone. Leave the field out, or search in your app and send the results as messages.");
        }

        foreach (string legacy in new[] { "functions", "function_call" })
        {
            if (TryGet(root, legacy, out _))
            {
                throw Unsupported(legacy, $"'{legacy}' is deprecated and not supported; use 'tools' and 'tool_choice'.");
            }
        }
    }
}
