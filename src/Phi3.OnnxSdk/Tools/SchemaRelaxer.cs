using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Phi3.OnnxSdk.Tools;

/// <summary>
/// Removes from a JSON schema what onnxruntime-genai's guidance (LLGuidance) cannot enforce, so that the grammar
/// compiles, and lists each keyword it removed or loosened (<see cref="SchemaRelaxation"/>). The original schema is
/// what the model is shown and what parsed arguments are checked against (<see cref="JsonSchemaValidator"/>).
/// </summary>
/// <remarks>
/// The lists are facts measured on onnxruntime-genai 0.18.0 (CPU), by compiling one schema per keyword
/// (docs/tool-calling.md, "Schema support"): guidance rejects the keywords in <see cref="Unenforceable"/>
/// ("Unimplemented keys"), string formats outside <see cref="EnforcedFormats"/> ("Unknown format"), regexes with
/// look-around or back-references, <c>minProperties</c>/<c>maxProperties</c> beside optional properties, remote
/// <c>$ref</c>s, and a <c>oneOf</c> it cannot prove disjoint (which the SDK's <c>coerce_one_of</c> option turns into
/// <c>anyOf</c>). <c>contentEncoding</c> compiles but is not enforced. What still fails is handled per tool by
/// <see cref="ToolGuidanceValidator"/>.
/// </remarks>
internal static class SchemaRelaxer
{
    /// <summary>Keywords LLGuidance 0.18 refuses; their constraint is removed from the grammar.</summary>
    public static readonly IReadOnlySet<string> Unenforceable = new HashSet<string>(StringComparer.Ordinal)
    {
        "not", "if", "then", "else", "contains", "minContains", "maxContains", "uniqueItems", "dependentRequired",
        "dependentSchemas", "dependencies", "propertyNames", "unevaluatedProperties", "unevaluatedItems", "$dynamicRef", "$recursiveRef",
    };

    /// <summary>The string formats LLGuidance 0.18 enforces (<c>uri</c> and every other format are refused).</summary>
    public static readonly IReadOnlySet<string> EnforcedFormats = new HashSet<string>(StringComparer.Ordinal)
    {
        "date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid",
    };

    // Look-around, back-references and .NET-only anchors: LLGuidance's (Rust) regex engine refuses them.
    private static readonly Regex s_unsupportedRegex = new(@"\(\?<?[=!]|\\[1-9]|\\k<|\\[ZG]", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>Returns a relaxed copy of <paramref name="schema"/> and adds what was relaxed to <paramref name="relaxations"/>.</summary>
    /// <param name="schema">The schema (not modified).</param>
    /// <param name="owner">The tool name, or <see langword="null"/> for the response format.</param>
    /// <param name="withoutPatterns">Also removes every <c>pattern</c>.</param>
    /// <param name="relaxations">Receives one entry per relaxed keyword.</param>
    public static JsonObject Relax(JsonObject schema, string? owner, bool withoutPatterns, ICollection<SchemaRelaxation> relaxations)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(relaxations);
        var copy = (JsonObject)schema.DeepClone();
        Walk(copy, string.Empty, owner, withoutPatterns, relaxations);
        return copy;
    }

    private static void Walk(JsonNode? node, string pointer, string? owner, bool withoutPatterns, ICollection<SchemaRelaxation> relaxations)
    {
        if (node is not JsonObject schema)
        {
            return;
        }

        foreach (var (key, value) in schema.ToList())
        {
            if (IsRelaxed(schema, key, value, withoutPatterns, out bool remove))
            {
                if (remove)
                {
                    schema.Remove(key);
                }

                if (!(key == "uniqueItems" && value?.GetValueKind() == JsonValueKind.False))
                {
                    relaxations.Add(new SchemaRelaxation(owner, pointer, key, value?.ToJsonString() ?? "null"));
                }

                if (remove)
                {
                    continue;
                }
            }

            string at = pointer + "/" + Escape(key);
            switch (key)
            {
                case "properties" or "patternProperties" or "$defs" or "definitions" when value is JsonObject map:
                    foreach (var (name, child) in map)
                    {
                        Walk(child, at + "/" + Escape(name), owner, withoutPatterns, relaxations);
                    }

                    break;
                case "anyOf" or "oneOf" or "allOf" or "prefixItems" or "items" when value is JsonArray list:
                    for (int i = 0; i < list.Count; i++)
                    {
                        Walk(list[i], at + "/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), owner, withoutPatterns, relaxations);
                    }

                    break;
                case "items" or "additionalProperties" or "additionalItems":
                    Walk(value, at, owner, withoutPatterns, relaxations);
                    break;
            }
        }
    }

    /// <summary>Whether <paramref name="key"/> is relaxed here, and whether that means removing it from the grammar.</summary>
    private static bool IsRelaxed(JsonObject schema, string key, JsonNode? value, bool withoutPatterns, out bool remove)
    {
        remove = true;
        switch (key)
        {
            case var _ when Unenforceable.Contains(key):
                return true;
            case "format":
                return value?.GetValueKind() == JsonValueKind.String && !EnforcedFormats.Contains(value.GetValue<string>()) && AppliesToStrings(schema);
            case "pattern":
                return withoutPatterns || (value?.GetValueKind() == JsonValueKind.String && s_unsupportedRegex.IsMatch(value.GetValue<string>()));
            case "minProperties" or "maxProperties":
                return HasOptionalProperties(schema);
            case "$ref":
                return value?.GetValueKind() == JsonValueKind.String && !value.GetValue<string>().StartsWith('#');
            case "oneOf" or "contentEncoding":
                // Kept: oneOf becomes anyOf (coerce_one_of), contentEncoding is accepted but not enforced.
                remove = false;
                return true;
            default:
                return false;
        }
    }

    private static bool AppliesToStrings(JsonObject schema) => schema["type"] switch
    {
        null => true,
        JsonValue type when type.GetValueKind() == JsonValueKind.String => type.GetValue<string>() == "string",
        JsonArray types => types.Any(t => t?.GetValueKind() == JsonValueKind.String && t.GetValue<string>() == "string"),
        _ => true,
    };

    private static bool HasOptionalProperties(JsonObject schema)
    {
        if (schema["properties"] is not JsonObject properties || properties.Count == 0)
        {
            return false;
        }

        var required = schema["required"] is JsonArray list
            ? list.Where(r => r?.GetValueKind() == JsonValueKind.String).Select(r => r!.GetValue<string>()).ToHashSet(StringComparer.Ordinal)
            : [];
        return properties.Any(p => !required.Contains(p.Key));
    }

    private static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
