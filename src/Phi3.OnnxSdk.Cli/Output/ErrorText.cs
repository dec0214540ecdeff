namespace Phi3.OnnxSdk.Cli;

/// <summary>Turns an exception into the one line <c>phi3: ...</c> prints.</summary>
internal static class ErrorText
{
    /// <summary>Joins the lines of <paramref name="message"/> into one.</summary>
    public static string OneLine(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "unknown error" : string.Join(" ", lines);
    }

    /// <summary>Returns the line for <paramref name="exception"/>: its message without .NET's parameter suffix.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        CliUsageException usage => $"{OneLine(usage.Message)} (see 'phi3 --help')",
        OperationCanceledException => "cancelled",
        ArgumentException argument when argument.ParamName is { } name => OneLine(argument.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal)),
        NullReferenceException or IndexOutOfRangeException or InvalidCastException =>
            $"internal error ({exception.GetType().Name}): {OneLine(exception.Message)}",
        _ => OneLine(exception.Message),
    };
}
