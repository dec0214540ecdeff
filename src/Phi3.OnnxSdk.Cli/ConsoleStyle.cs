namespace Phi3.OnnxSdk.Cli;

/// <summary>Dim text on a terminal, plain text when redirected (and when <c>NO_COLOR</c> is set).</summary>
internal static class ConsoleStyle
{
    private static readonly bool s_errorIsTerminal = !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;

    /// <summary>Gets a value indicating whether stderr is a terminal (progress bars redraw in place).</summary>
    public static bool ErrorIsTerminal => !Console.IsErrorRedirected;

    /// <summary>Returns <paramref name="text"/> dimmed for stderr.</summary>
    public static string Dim(string text) => s_errorIsTerminal ? $"\u001b[2m{text}\u001b[0m" : text;
}
