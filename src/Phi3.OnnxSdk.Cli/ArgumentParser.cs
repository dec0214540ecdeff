using System.Globalization;
using Phi3.OnnxSdk.Resolution;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// Parses <c>phi3 [models|download] [options] [question...]</c>. Options take their value as the next argument or
/// after <c>=</c>; <c>--</c> ends the options (the rest is the question). Throws <see cref="CliUsageException"/>
/// with a one-line message for anything it does not understand.
/// </summary>
internal static class ArgumentParser
{
    private static readonly HashSet<string> s_valueOptions =
    [
        "-p", "--model-path", "-m", "--model", "--variant", "--provider", "--prefer", "--assume", "-s", "--system",
        "-n", "--max-tokens", "-t", "--temperature", "--top-p", "--top-k", "--seed", "--cache-dir", "--catalog",
    ];

    public static CliArguments Parse(IReadOnlyList<string> args)
    {
        var result = new CliArguments();
        var words = new List<string>();
        bool optionsEnded = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (optionsEnded || !arg.StartsWith('-') || arg == "-")
            {
                if (words.Count == 0 && !optionsEnded && result.Command == CliCommand.Chat && arg is "models" or "download")
                {
                    result.Command = arg == "models" ? CliCommand.Models : CliCommand.Download;
                }
                else
                {
                    words.Add(arg);
                }

                continue;
            }

            if (arg == "--")
            {
                optionsEnded = true;
                continue;
            }

            string name = arg;
            string? inlineValue = null;
            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                name = arg[..equals];
                inlineValue = arg[(equals + 1)..];
            }

            switch (name)
            {
                case "-h" or "--help":
                    return new CliArguments { Command = CliCommand.Help };
                case "--version":
                    return new CliArguments { Command = CliCommand.Version };
                case "--offline":
                    NoValue(name, inlineValue);
                    result.Offline = true;
                    continue;
                case "--no-stats":
                    NoValue(name, inlineValue);
                    result.NoStats = true;
                    continue;
                case "--verify-cache":
                    NoValue(name, inlineValue);
                    result.VerifyCache = true;
                    continue;
                case "--copy-files":
                    NoValue(name, inlineValue);
                    result.CopyFiles = true;
                    continue;
                case "--no-direct-io":
                    NoValue(name, inlineValue);
                    result.NoDirectIO = true;
                    continue;
                default:
                    break;
            }

            if (!s_valueOptions.Contains(name))
            {
                throw new CliUsageException($"unknown option '{name}'");
            }

            string value = inlineValue ?? (i + 1 < args.Count ? args[++i] : throw new CliUsageException($"{name} needs a value"));
            switch (name)
            {
                case "-p" or "--model-path":
                    result.ModelPath = NotEmpty(name, value);
                    break;
                case "-m" or "--model":
                    result.Model = NotEmpty(name, value);
                    break;
                case "--variant":
                    result.Variant = NotEmpty(name, value);
                    break;
                case "--provider":
                    result.Provider = ParseProvider(value);
                    break;
                case "--prefer":
                    result.Preference = ParsePreference(value);
                    break;
                case "--assume":
                    result.Assume = HardwareProfile.Parse(value);
                    break;
                case "-s" or "--system":
                    result.System = value;
                    break;
                case "-n" or "--max-tokens":
                    result.MaxTokens = ParseInt(name, value, min: 1);
                    break;
                case "-t" or "--temperature":
                    result.Temperature = ParseFloat(name, value, min: 0, max: 5);
                    break;
                case "--top-p":
                    result.TopP = ParseFloat(name, value, min: 0, max: 1);
                    break;
                case "--top-k":
                    result.TopK = ParseInt(name, value, min: 1);
                    break;
                case "--seed":
                    result.Seed = long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long seed)
                        ? seed
                        : throw new CliUsageException($"--seed needs a whole number, not '{value}'");
                    break;
                case "--cache-dir":
                    result.CacheDirectory = NotEmpty(name, value);
                    break;
                case "--catalog":
                    result.CatalogPath = NotEmpty(name, value);
                    break;
                default:
                    throw new CliUsageException($"unknown option '{name}'");
            }
        }

        if (words.Count > 0)
        {
            if (result.Command != CliCommand.Chat)
            {
                throw new CliUsageException($"unexpected argument '{words[0]}' for 'phi3 {Name(result.Command)}'");
            }

            result.Question = string.Join(' ', words);
            if (string.IsNullOrWhiteSpace(result.Question))
            {
                throw new CliUsageException("the question is empty");
            }
        }

        Validate(result);
        return result;
    }

    private static void Validate(CliArguments result)
    {
        if (result.Command == CliCommand.Chat && result.Assume is not null)
        {
            throw new CliUsageException("--assume plans for another machine; use it with 'phi3 models' or 'phi3 download'");
        }

        if (result.Command != CliCommand.Chat && result.ModelPath is not null)
        {
            throw new CliUsageException($"--model-path names a local model; 'phi3 {Name(result.Command)}' works on the catalog");
        }

        if (result.ModelPath is not null && (result.Model ?? result.Variant ?? result.Provider) is not null)
        {
            throw new CliUsageException("--model-path loads that folder; it cannot be combined with --model, --variant or --provider");
        }
    }

    private static string Name(CliCommand command) => command.ToString().ToLowerInvariant();

    private static void NoValue(string name, string? inlineValue)
    {
        if (inlineValue is not null)
        {
            throw new CliUsageException($"{name} takes no value");
        }
    }

    private static string NotEmpty(string name, string value) =>
        string.IsNullOrWhiteSpace(value) ? throw new CliUsageException($"{name} needs a value") : value;

    private static int ParseInt(string name, string value, int min) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int parsed) && parsed >= min
            ? parsed
            : throw new CliUsageException($"{name} needs a whole number of at least {min}, not '{value}'");

    private static float ParseFloat(string name, string value, float min, float max) =>
        float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out float parsed) && parsed >= min && parsed <= max
            ? parsed
            : throw new CliUsageException(string.Create(CultureInfo.InvariantCulture, $"{name} needs a number from {min} to {max}, not '{value}'"));

    private static string ParseProvider(string value) => value.Trim().ToUpperInvariant() switch
    {
        "CPU" or "CUDA" or "DML" or "DIRECTML" or "AUTO" => value.Trim().ToLowerInvariant(),
        _ => throw new CliUsageException($"--provider must be cpu, cuda, dml or auto, not '{value}'"),
    };

    private static VariantPreference ParsePreference(string value) => value.Trim().ToUpperInvariant() switch
    {
        "QUALITY" => VariantPreference.Quality,
        "SPEED" => VariantPreference.Speed,
        _ => throw new CliUsageException($"--prefer must be quality or speed, not '{value}'"),
    };
}
