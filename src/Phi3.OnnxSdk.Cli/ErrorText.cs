namespace Phi3.OnnxSdk.Cli;

/// <summary>Turns an exception into the one line <c>phi3: ...</c> prints.</summary>
internal static class ErrorText
{
    public static string OneLine(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "unknown error" : string.Join(" ", lines);
    }

    public static string Describe(Exception exception) => exception switch
    {
        CliUsageException usage => $"{OneLine(usage.Message)} (see 'phi3 --help')",
        OperationCanceledException => "cancelled",
        NullReferenceException or IndexOutOfRangeException or InvalidCastException =>
            $"internal error ({exception.GetType().Name}): {OneLine(exception.Message)}",
        _ => OneLine(exception.Message),
    };
}
