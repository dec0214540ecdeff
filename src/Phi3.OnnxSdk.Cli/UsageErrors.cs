using System.CommandLine;
using System.CommandLine.Parsing;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// Turns System.CommandLine's parse errors into the one line <c>phi3</c> prints (exit code 2). A word that is not a
/// command is never taken as a question: <c>phi3 model</c> says "unknown command 'model'; did you mean 'models'?".
/// </summary>
internal static class UsageErrors
{
    /// <summary>Returns the message for the first thing wrong with <paramref name="result"/>, or <see langword="null"/>.</summary>
    public static string? Find(ParseResult result, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(args);
        return FlagWithValue(result.CommandResult.Command, args) ?? (result.Errors.Count > 0 ? Describe(result) : null);
    }

    /// <summary>
    /// A flag written with a value (<c>--offline=yes</c>): System.CommandLine splits it and would hand the value on as
    /// an argument (the chat's question), so it is caught on the raw command line.
    /// </summary>
    private static string? FlagWithValue(Command command, IReadOnlyList<string> args)
    {
        foreach (string arg in args.TakeWhile(a => a != "--"))
        {
            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 2
                && command.Options.FirstOrDefault(o => o.Name == arg[..equals]) is { Arity.MaximumNumberOfValues: 0 } flag)
            {
                return $"{flag.Name} takes no value";
            }
        }

        return null;
    }

    private static string Describe(ParseResult result)
    {
        var command = result.CommandResult.Command;

        // The option and validator errors carry the messages written for them (CliOptions, ModelOptions).
        foreach (var error in result.Errors)
        {
            if (error.SymbolResult is OptionResult { Tokens.Count: 0 } missing && !missing.Implicit)
            {
                return $"{missing.Option.Name} needs a value";
            }

            if (error.SymbolResult is OptionResult or CommandResult && !IsUnmatched(result, error))
            {
                return error.Message;
            }
        }

        if (result.UnmatchedTokens.Count > 0)
        {
            return Unmatched(result.UnmatchedTokens[0], command);
        }

        return result.Errors[0].Message;
    }

    private static bool IsUnmatched(ParseResult result, ParseError error) =>
        result.UnmatchedTokens.Any(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal));

    private static string Unmatched(string token, Command command)
    {
        string where = command is RootCommand ? string.Empty : $" for 'phi3 {command.Name}'";
        if (token.StartsWith('-') && token.Length > 1)
        {
            int equals = token.IndexOf('=', StringComparison.Ordinal);
            return $"unknown option '{(equals > 0 ? token[..equals] : token)}'{where}";
        }

        if (command is not RootCommand)
        {
            return $"unexpected argument '{token}'{where}";
        }

        var names = command.Subcommands.Where(c => !c.Hidden).SelectMany(c => c.Aliases.Prepend(c.Name)).ToList();
        string commands = string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
        if (token.Any(char.IsWhiteSpace))
        {
            return $"'{token}' is not a command; to ask it: phi3 chat \"{token}\"";
        }

        if (token.Equals("help", StringComparison.OrdinalIgnoreCase))
        {
            return "unknown command 'help'; did you mean 'phi3 --help'?";
        }

        return Closest(token, names) is { } suggestion
            ? $"unknown command '{token}'; did you mean '{suggestion}'?"
            : $"unknown command '{token}'; the commands are {commands}, and a question goes after 'phi3 chat', in quotes";
    }

    /// <summary>Returns the name closest to <paramref name="word"/> (a prefix, or at most two edits away), if any.</summary>
    internal static string? Closest(string word, IEnumerable<string> names)
    {
        string lower = word.ToLowerInvariant();
        return names
            .Select(n => (Name: n, Distance: n.StartsWith(lower, StringComparison.Ordinal) || lower.StartsWith(n, StringComparison.Ordinal) ? 0 : EditDistance(lower, n)))
            .Where(c => c.Distance <= 2)
            .OrderBy(c => c.Distance)
            .Select(c => c.Name)
            .FirstOrDefault();
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
