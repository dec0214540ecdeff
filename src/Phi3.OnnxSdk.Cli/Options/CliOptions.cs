using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// Typed options whose bad values fail parsing with one line that names the option, the rule and the value
/// (System.CommandLine's own conversion messages name .NET types instead).
/// </summary>
internal static class CliOptions
{
    /// <summary>A text option that may not be empty.</summary>
    public static Option<string?> Text(string name, string? alias, string helpName, string description) =>
        Create<string?>(name, alias, helpName, description, text => string.IsNullOrWhiteSpace(text) ? Fail<string?>($"{name} needs a value") : text);

    /// <summary>A text option that may be empty (a system prompt).</summary>
    public static Option<string?> AnyText(string name, string? alias, string helpName, string description) =>
        Create<string?>(name, alias, helpName, description, text => text);

    /// <summary>A whole number of at least <paramref name="min"/>.</summary>
    public static Option<int?> Int(string name, string? alias, string helpName, string description, int min) =>
        Create<int?>(name, alias, helpName, description, text =>
            int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= min
                ? value
                : Fail<int?>($"{name} needs a whole number of at least {min}, not '{text}'"));

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<int?> IntRange(string name, string? alias, string helpName, string description, int min, int max) =>
        Create<int?>(name, alias, helpName, description, text =>
            int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
                ? value
                : Fail<int?>(string.Create(CultureInfo.InvariantCulture, $"{name} needs a whole number from {min} to {max}, not '{text}'")));

    /// <summary>A whole number of any size.</summary>
    public static Option<long?> Long(string name, string helpName, string description) =>
        Create<long?>(name, null, helpName, description, text =>
            long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value)
                ? value
                : Fail<long?>($"{name} needs a whole number, not '{text}'"));

    /// <summary>A large whole number of at least <paramref name="min"/> (a size in bytes).</summary>
    public static Option<long?> Long(string name, string helpName, string description, long min) =>
        Create<long?>(name, null, helpName, description, text =>
            long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) && value >= min
                ? value
                : Fail<long?>(string.Create(CultureInfo.InvariantCulture, $"{name} needs a whole number of at least {min}, not '{text}'")));

    /// <summary>A number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<float?> Float(string name, string? alias, string helpName, string description, float min, float max) =>
        Create<float?>(name, alias, helpName, description, text =>
            float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) && value >= min && value <= max
                ? value
                : Fail<float?>(string.Create(CultureInfo.InvariantCulture, $"{name} needs a number from {min} to {max}, not '{text}'")));

    /// <summary>One of a few words (case-insensitive), returned as <paramref name="map"/> gives it.</summary>
    public static Option<T?> Choice<T>(string name, string helpName, string description, Func<string, T?> map, string rule) =>
        Create<T?>(name, null, helpName, description, text => map(text.Trim().ToUpperInvariant()) ?? Fail<T?>($"{name} must be {rule}, not '{text}'"));

    /// <summary>An option parsed by <paramref name="parse"/>, whose <see cref="CliUsageException"/> becomes the parse error.</summary>
    public static Option<T?> Parsed<T>(string name, string helpName, string description, Func<string, T> parse) =>
        Create<T?>(name, null, helpName, description, text => parse(text));

    /// <summary>A flag that takes no value (<c>--flag=value</c> is refused by <see cref="UsageErrors"/>).</summary>
    public static Option<bool> Flag(string name, string description) => new(name)
    {
        Description = description,
        Arity = ArgumentArity.Zero,
    };

    private static Option<T> Create<T>(string name, string? alias, string helpName, string description, Func<string, T> parse)
    {
        var option = alias is null ? new Option<T>(name) : new Option<T>(name, alias);
        option.Description = description;
        option.HelpName = helpName;
        option.CustomParser = result => Parse(result, parse);
        return option;
    }

    private static T? Parse<T>(ArgumentResult result, Func<string, T> parse)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
        try
        {
            return parse(text);
        }
        catch (CliUsageException ex)
        {
            result.AddError(ex.Message);
            return default;
        }
    }

    private static T Fail<T>(string message) => throw new CliUsageException(message);
}
