using System.Globalization;
using System.Text.Json;

namespace Phi3.OnnxSdk.Server.Mapping;

/// <summary>Typed reads of request fields that answer a wrong type or value with a 400 naming the field.</summary>
internal static class RequestJson
{
    /// <summary>Gets a member that is present and not <c>null</c>.</summary>
    public static bool TryGet(JsonElement parent, string name, out JsonElement value) =>
        parent.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    public static string? OptionalString(JsonElement parent, string name, string param)
    {
        if (!TryGet(parent, name, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw TypeError(param, "a string", value);
    }

    public static string RequiredString(JsonElement parent, string name, string param) =>
        OptionalString(parent, name, param) ?? throw new OpenAIRequestException($"Missing required parameter: '{param}'.", param, "missing_required_parameter");

    public static bool? OptionalBool(JsonElement parent, string name, string param)
    {
        if (!TryGet(parent, name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw TypeError(param, "a boolean", value),
        };
    }

    /// <summary>Reads a number in [<paramref name="min"/>, <paramref name="max"/>] (open at the bottom when <paramref name="minExclusive"/>).</summary>
    public static double? OptionalNumber(JsonElement parent, string name, double min, double max, bool minExclusive = false)
    {
        if (!TryGet(parent, name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            throw TypeError(name, "a number", value);
        }

        double number = value.GetDouble();
        bool below = minExclusive ? number <= min : number < min;
        if (below || number > max)
        {
            string range = string.Create(CultureInfo.InvariantCulture, $"{(minExclusive ? "greater than" : "at least")} {min} and at most {max}");
            throw new OpenAIRequestException(string.Create(CultureInfo.InvariantCulture, $"'{name}' is {number}; it must be {range}."), name, "invalid_value");
        }

        return number;
    }

    /// <summary>Reads a whole number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static long? OptionalInteger(JsonElement parent, string name, long min, long max, string? rangeHint = null)
    {
        if (!TryGet(parent, name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long number))
        {
            throw TypeError(name, "an integer", value);
        }

        if (number < min || number > max)
        {
            string hint = rangeHint ?? string.Create(CultureInfo.InvariantCulture, $"at least {min} and at most {max}");
            throw new OpenAIRequestException(string.Create(CultureInfo.InvariantCulture, $"'{name}' is {number}; it must be {hint}."), name, "invalid_value");
        }

        return number;
    }

    public static JsonElement RequiredObject(JsonElement parent, string name, string param)
    {
        if (!TryGet(parent, name, out var value))
        {
            throw new OpenAIRequestException($"Missing required parameter: '{param}'.", param, "missing_required_parameter");
        }

        return value.ValueKind == JsonValueKind.Object ? value : throw TypeError(param, "an object", value);
    }

    public static OpenAIRequestException TypeError(string param, string expected, JsonElement actual) =>
        new($"'{param}' must be {expected}, not {Describe(actual)}.", param, "invalid_type");

    public static OpenAIRequestException Unsupported(string param, string message) => new(message, param, "unsupported_parameter");

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
