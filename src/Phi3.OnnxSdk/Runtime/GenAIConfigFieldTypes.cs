using System.Text.Json;

namespace Phi3.OnnxSdk.Runtime;

/// <summary>
/// The JSON types of the <c>genai_config.json</c> fields that the SDK or onnxruntime-genai read as numbers, flags or
/// names. A field of the wrong type (<c>"context_length": "4096"</c>) is refused at load with the file and the field
/// named, instead of failing inside onnxruntime-genai or, worse, being read as absent. Absent fields are not checked
/// here (the fields the SDK needs are required where they are read). Stateless and thread-safe.
/// </summary>
internal static class GenAIConfigFieldTypes
{
    private enum Kind
    {
        Object,
        String,
        Integer,
        Number,
        Boolean,
        IntegerOrIntegers,
    }

    private static readonly (string Path, Kind Kind)[] s_fields =
    [
        ("model", Kind.Object),
        ("model.type", Kind.String),
        ("model.context_length", Kind.Integer),
        ("model.vocab_size", Kind.Integer),
        ("model.bos_token_id", Kind.Integer),
        ("model.pad_token_id", Kind.Integer),
        ("model.eos_token_id", Kind.IntegerOrIntegers),
        ("model.decoder", Kind.Object),
        ("model.decoder.filename", Kind.String),
        ("model.decoder.head_size", Kind.Integer),
        ("model.decoder.hidden_size", Kind.Integer),
        ("model.decoder.num_attention_heads", Kind.Integer),
        ("model.decoder.num_hidden_layers", Kind.Integer),
        ("model.decoder.num_key_value_heads", Kind.Integer),
        ("model.decoder.inputs", Kind.Object),
        ("model.decoder.inputs.past_key_names", Kind.String),
        ("model.decoder.inputs.past_value_names", Kind.String),
        ("model.decoder.outputs", Kind.Object),
        ("model.decoder.session_options", Kind.Object),
        ("search", Kind.Object),
        ("search.max_length", Kind.Integer),
        ("search.min_length", Kind.Integer),
        ("search.num_beams", Kind.Integer),
        ("search.num_return_sequences", Kind.Integer),
        ("search.no_repeat_ngram_size", Kind.Integer),
        ("search.top_k", Kind.Integer),
        ("search.random_seed", Kind.Integer),
        ("search.temperature", Kind.Number),
        ("search.top_p", Kind.Number),
        ("search.repetition_penalty", Kind.Number),
        ("search.length_penalty", Kind.Number),
        ("search.diversity_penalty", Kind.Number),
        ("search.do_sample", Kind.Boolean),
        ("search.early_stopping", Kind.Boolean),
        ("search.past_present_share_buffer", Kind.Boolean),
    ];

    /// <summary>Checks the fields of the config at <paramref name="path"/> whose root is <paramref name="root"/> (a root that is no object has no fields to check).</summary>
    /// <exception cref="Phi3ModelException">A field has the wrong JSON type; the message names the file and the field.</exception>
    public static void Check(string path, JsonElement root)
    {
        foreach (var (field, kind) in s_fields)
        {
            if (Find(root, field) is { } value && !Fits(value, kind))
            {
                throw new Phi3ModelException(path, $"'{path}': the field '{field}' must be {Expected(kind)}, but it is {Describe(value)}. Fix the field or download the model again.");
            }
        }
    }

    private static JsonElement? Find(JsonElement root, string field)
    {
        var current = root;
        foreach (string name in field.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }

        return current;
    }

    private static bool Fits(JsonElement value, Kind kind) => kind switch
    {
        Kind.Object => value.ValueKind == JsonValueKind.Object,
        Kind.String => value.ValueKind == JsonValueKind.String,
        Kind.Integer => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _),
        Kind.Number => value.ValueKind == JsonValueKind.Number && double.IsFinite(value.GetDouble()),
        Kind.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        Kind.IntegerOrIntegers => Fits(value, Kind.Integer)
            || (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(item => Fits(item, Kind.Integer))),
        _ => false,
    };

    private static string Expected(Kind kind) => kind switch
    {
        Kind.Object => "a JSON object",
        Kind.String => "a string",
        Kind.Integer => "a whole number (32-bit)",
        Kind.Number => "a finite number",
        Kind.Boolean => "true or false",
        _ => "a whole number or an array of whole numbers",
    };

    private static string Describe(JsonElement value)
    {
        string text = value.GetRawText();
        text = text.Length > 40 ? text[..40] + "..." : text;
        return value.ValueKind switch
        {
            JsonValueKind.String => $"a string ({text})",
            JsonValueKind.Number => $"the number {text}",
            JsonValueKind.Array => $"an array ({text})",
            JsonValueKind.Object => "an object",
            JsonValueKind.Null => "null",
            _ => text,
        };
    }
}
