using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Phi3.OnnxSdk.Tools;

/// <summary>
/// A small JSON Schema (draft 2020-12, with draft 4-7 spellings) validator for tool arguments after parsing. It covers
/// the assertion and applicator keywords, local <c>$ref</c>s and the formats of <see cref="JsonSchemaFormats"/>; what it
/// cannot check (remote references, <c>unevaluated*</c>, unknown formats, patterns .NET cannot compile) passes.
/// </summary>
/// <remarks>
/// Why not a library: docs/tool-calling.md and CONTRIBUTING.md ("Dependencies"). Guidance already enforces everything
/// but the relaxed keywords (<see cref="SchemaRelaxer"/>), so only arguments of tools with relaxations are checked.
/// Thread-safe: each call uses its own state. Every call ends quickly: a schema that applies itself to the same value
/// (<see cref="SchemaCycleFinder"/>) is refused before checking, and a check is bounded by <see cref="MaxSteps"/>
/// subschema evaluations and <see cref="MaxDepth"/> nested ones.
/// </remarks>
internal sealed class JsonSchemaValidator
{
    /// <summary>The most subschema evaluations one check may take (branching <c>allOf</c>s over references can otherwise grow exponentially).</summary>
    public const int MaxSteps = 100_000;

    /// <summary>The deepest nesting of subschema evaluations one check may take.</summary>
    public const int MaxDepth = 200;

    private static readonly TimeSpan s_regexTimeout = TimeSpan.FromSeconds(1);
    private readonly JsonNode _root;
    private int _steps;

    private JsonSchemaValidator(JsonNode root) => _root = root;

    /// <summary>Validates <paramref name="instance"/> against <paramref name="schema"/>.</summary>
    /// <returns>One line per failed keyword, e.g. <c>/url: does not satisfy "format":"uri"</c>; empty when valid.</returns>
    /// <exception cref="ArgumentException">
    /// The schema cannot be checked: it applies itself to the same value (a <c>$ref</c> cycle, the message names where),
    /// or the check takes more than <see cref="MaxSteps"/> evaluations or nests deeper than <see cref="MaxDepth"/>
    /// ("too complex").
    /// </exception>
    public static IReadOnlyList<string> Validate(JsonNode schema, JsonElement instance)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ThrowIfCyclic(schema);
        var errors = new List<string>();
        new JsonSchemaValidator(schema).Evaluate(schema, instance, string.Empty, 0, errors);
        return errors;
    }

    /// <summary>Refuses a schema that applies itself to the same value, so that checking against it would never end.</summary>
    /// <exception cref="ArgumentException">The schema has such a cycle (the message names where).</exception>
    public static void ThrowIfCyclic(JsonNode schema)
    {
        if (SchemaCycleFinder.Find(schema) is { } cycle)
        {
            throw new ArgumentException(
                $"The schema refers to itself at '{cycle}' without stepping into a property or item, so no value can ever be checked against it: break the $ref/allOf cycle.",
                nameof(schema));
        }
    }

    private bool Evaluate(JsonNode? node, JsonElement value, string path, int depth, List<string>? errors)
    {
        if (++_steps > MaxSteps || depth > MaxDepth)
        {
            throw new ArgumentException(
                $"The schema is too complex to check arguments against (more than {MaxSteps} subschema evaluations or {MaxDepth} nested ones, at '{(path.Length == 0 ? "/" : path)}'): simplify its references.");
        }

        if (node is JsonValue flag && flag.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            return flag.GetValue<bool>() || Fail(errors, path, "is not allowed (false schema)");
        }

        if (node is not JsonObject schema)
        {
            return true;
        }

        bool valid = true;
        foreach (var (key, keyword) in schema)
        {
            if (keyword is not null && !CheckKeyword(schema, key, keyword, value, path, depth, errors))
            {
                valid = false;
                if (errors is null)
                {
                    return false;
                }
            }
        }

        return valid;
    }

    private bool CheckKeyword(JsonObject schema, string key, JsonNode keyword, JsonElement value, string path, int depth, List<string>? errors)
    {
        bool ok = key switch
        {
            "$ref" => Resolve(keyword) is not { } target || Evaluate(target, value, path, depth + 1, errors),
            "type" => MatchesType(keyword, value),
            "enum" => keyword is not JsonArray options || options.Any(o => JsonEquals(value, o)),
            "const" => JsonEquals(value, keyword),
            "allOf" => keyword is not JsonArray all || all.All(s => Evaluate(s, value, path, depth + 1, errors)),
            "anyOf" => keyword is not JsonArray any || any.Any(s => Evaluate(s, value, path, depth + 1, null)),
            "oneOf" => keyword is not JsonArray one || one.Count(s => Evaluate(s, value, path, depth + 1, null)) == 1,
            "not" => !Evaluate(keyword, value, path, depth + 1, null),
            "if" => Evaluate(keyword, value, path, depth + 1, null)
                ? !schema.ContainsKey("then") || Evaluate(schema["then"], value, path, depth + 1, errors)
                : !schema.ContainsKey("else") || Evaluate(schema["else"], value, path, depth + 1, errors),
            _ => value.ValueKind switch
            {
                JsonValueKind.Number => CheckNumber(schema, key, keyword, value),
                JsonValueKind.String => CheckString(key, keyword, value.GetString()!),
                JsonValueKind.Array => CheckArray(schema, key, keyword, value, path, depth, errors),
                JsonValueKind.Object => CheckObject(schema, key, keyword, value, path, depth, errors),
                _ => true,
            },
        };

        // Keywords whose failure the nested evaluation already reported do not add a second line.
        return ok || key is "$ref" or "allOf" or "if" or "items" or "prefixItems" or "additionalItems" or "properties" or "patternProperties" or "additionalProperties" or "dependentSchemas"
            ? ok
            : Fail(errors, path, $"does not satisfy \"{key}\":{Shorten(keyword.ToJsonString())}");
    }

    private static bool CheckNumber(JsonObject schema, string key, JsonNode keyword, JsonElement value)
    {
        if (!TryNumber(keyword, out decimal limit))
        {
            return key is not ("exclusiveMinimum" or "exclusiveMaximum") || keyword.GetValueKind() != JsonValueKind.True
                || !TryNumber(schema[key == "exclusiveMinimum" ? "minimum" : "maximum"], out decimal bound)
                || Number(value) != bound;
        }

        decimal number = Number(value);
        return key switch
        {
            "minimum" => number >= limit,
            "maximum" => number <= limit,
            "exclusiveMinimum" => number > limit,
            "exclusiveMaximum" => number < limit,
            "multipleOf" => limit <= 0 || number % limit == 0,
            _ => true,
        };
    }

    private static bool CheckString(string key, JsonNode keyword, string text) => key switch
    {
        "minLength" => !TryNumber(keyword, out decimal min) || text.EnumerateRunes().Count() >= min,
        "maxLength" => !TryNumber(keyword, out decimal max) || text.EnumerateRunes().Count() <= max,
        "pattern" => keyword.GetValueKind() != JsonValueKind.String || Matches(keyword.GetValue<string>(), text),
        "format" => keyword.GetValueKind() != JsonValueKind.String || JsonSchemaFormats.IsValid(keyword.GetValue<string>(), text) != false,
        "contentEncoding" => keyword.GetValueKind() != JsonValueKind.String || !string.Equals(keyword.GetValue<string>(), "base64", StringComparison.OrdinalIgnoreCase) || JsonSchemaFormats.IsBase64(text),
        _ => true,
    };

    private bool CheckArray(JsonObject schema, string key, JsonNode keyword, JsonElement array, string path, int depth, List<string>? errors)
    {
        var items = array.EnumerateArray().ToList();
        int prefix = schema["prefixItems"] is JsonArray prefixItems ? prefixItems.Count : schema["items"] is JsonArray tuple ? tuple.Count : 0;
        switch (key)
        {
            case "prefixItems" or "items" when keyword is JsonArray schemas:
                return EvaluateAll(Enumerable.Range(0, Math.Min(schemas.Count, items.Count)).Select(i => Evaluate(schemas[i], items[i], Item(path, i), depth + 1, errors)));
            case "items" or "additionalItems" when key == "items" || schema["items"] is JsonArray:
                return EvaluateAll(Enumerable.Range(prefix, Math.Max(0, items.Count - prefix)).Select(i => Evaluate(keyword, items[i], Item(path, i), depth + 1, errors)));
            case "minItems":
                return !TryNumber(keyword, out decimal min) || items.Count >= min;
            case "maxItems":
                return !TryNumber(keyword, out decimal max) || items.Count <= max;
            case "uniqueItems":
                return keyword.GetValueKind() != JsonValueKind.True || !items.Where((a, i) => items.Skip(i + 1).Any(b => JsonElement.DeepEquals(a, b))).Any();
            case "contains":
                int matches = items.Count(item => Evaluate(keyword, item, path, depth + 1, null));
                decimal least = TryNumber(schema["minContains"], out decimal minContains) ? minContains : 1;
                return matches >= least && (!TryNumber(schema["maxContains"], out decimal most) || matches <= most);
            default:
                return true;
        }
    }

    private bool CheckObject(JsonObject schema, string key, JsonNode keyword, JsonElement obj, string path, int depth, List<string>? errors)
    {
        var properties = obj.EnumerateObject().ToList();
        switch (key)
        {
            case "properties" when keyword is JsonObject declared:
                return EvaluateAll(properties.Where(p => declared.ContainsKey(p.Name)).Select(p => Evaluate(declared[p.Name], p.Value, Child(path, p.Name), depth + 1, errors)));
            case "patternProperties" when keyword is JsonObject patterns:
                return EvaluateAll(properties.SelectMany(p => patterns.Where(pattern => Matches(pattern.Key, p.Name))
                    .Select(pattern => Evaluate(pattern.Value, p.Value, Child(path, p.Name), depth + 1, errors))));
            case "additionalProperties":
                var declaredNames = schema["properties"] as JsonObject;
                var patternNames = schema["patternProperties"] as JsonObject;
                return EvaluateAll(properties
                    .Where(p => declaredNames?.ContainsKey(p.Name) != true && patternNames?.Any(pattern => Matches(pattern.Key, p.Name)) != true)
                    .Select(p => Evaluate(keyword, p.Value, Child(path, p.Name), depth + 1, errors)));
            case "required" when keyword is JsonArray required:
                return required.All(r => r?.GetValueKind() != JsonValueKind.String || obj.TryGetProperty(r.GetValue<string>(), out _));
            case "minProperties":
                return !TryNumber(keyword, out decimal min) || properties.Count >= min;
            case "maxProperties":
                return !TryNumber(keyword, out decimal max) || properties.Count <= max;
            case "propertyNames":
                return properties.All(p => Evaluate(keyword, StringElement(p.Name), path, depth + 1, null));
            case "dependentRequired" or "dependencies" or "dependentSchemas" when keyword is JsonObject dependencies:
                return EvaluateAll(dependencies.Where(d => obj.TryGetProperty(d.Key, out _)).Select(d => d.Value is JsonArray names
                    ? names.All(n => n?.GetValueKind() != JsonValueKind.String || obj.TryGetProperty(n.GetValue<string>(), out _))
                    : Evaluate(d.Value, obj, path, depth + 1, errors)));
            default:
                return true;
        }
    }

    private JsonNode? Resolve(JsonNode reference) =>
        reference.GetValueKind() == JsonValueKind.String ? SchemaCycleFinder.Resolve(_root, reference.GetValue<string>()) : null;

    private static bool MatchesType(JsonNode keyword, JsonElement value) => keyword switch
    {
        JsonArray types => types.Any(t => t is not null && MatchesType(t, value)),
        _ when keyword.GetValueKind() == JsonValueKind.String => keyword.GetValue<string>() switch
        {
            "null" => value.ValueKind == JsonValueKind.Null,
            "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "object" => value.ValueKind == JsonValueKind.Object,
            "array" => value.ValueKind == JsonValueKind.Array,
            "string" => value.ValueKind == JsonValueKind.String,
            "number" => value.ValueKind == JsonValueKind.Number,
            "integer" => value.ValueKind == JsonValueKind.Number && Number(value) % 1 == 0,
            _ => true,
        },
        _ => true,
    };

    private static bool JsonEquals(JsonElement value, JsonNode? expected)
    {
        using var document = JsonDocument.Parse(expected?.ToJsonString() ?? "null");
        return JsonElement.DeepEquals(value, document.RootElement);
    }

    private static bool TryNumber(JsonNode? node, out decimal number)
    {
        number = 0;
        return node is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            && decimal.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number);
    }

    private static decimal Number(JsonElement value) =>
        value.TryGetDecimal(out decimal number) ? number : value.GetDouble() > 0 ? decimal.MaxValue : decimal.MinValue;

    private static JsonElement StringElement(string text)
    {
        using var document = JsonDocument.Parse(JsonValue.Create(text).ToJsonString());
        return document.RootElement.Clone();
    }

    private static bool Matches(string pattern, string text)
    {
        try
        {
            return Regex.IsMatch(text, pattern, RegexOptions.None, s_regexTimeout);
        }
        catch (Exception ex) when (ex is ArgumentException or RegexMatchTimeoutException)
        {
            return true;
        }
    }

    private static bool EvaluateAll(IEnumerable<bool> results)
    {
        bool all = true;
        foreach (bool result in results)
        {
            all &= result;
        }

        return all;
    }

    private static bool Fail(List<string>? errors, string path, string message)
    {
        errors?.Add($"{(path.Length == 0 ? "/" : path)}: {message}");
        return false;
    }

    private static string Shorten(string json) => json.Length <= 120 ? json : string.Concat(json.AsSpan(0, 117), "...");

    private static string Child(string path, string name) => path + "/" + name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static string Item(string path, int index) => path + "/" + index.ToString(CultureInfo.InvariantCulture);
}
