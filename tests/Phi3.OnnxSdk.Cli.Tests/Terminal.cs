using System.Text.RegularExpressions;

namespace Phi3.OnnxSdk.Cli.Tests;

/// <summary>Keys as a terminal sends them, and the text a terminal shows from what a program wrote.</summary>
internal static partial class Terminal
{
    public const string Enter = "\r";
    public const string Up = "\u001b[A";

    /// <summary>Removes escape sequences (colours, cursor moves, modes) and carriage returns.</summary>
    public static string Strip(string raw) => Escapes().Replace(raw, string.Empty).Replace("\r", string.Empty, StringComparison.Ordinal);

    /// <summary>Counts the times <paramref name="text"/> occurs in <paramref name="screen"/>.</summary>
    public static int Count(string screen, string text)
    {
        int count = 0;
        for (int at = screen.IndexOf(text, StringComparison.Ordinal); at >= 0; at = screen.IndexOf(text, at + text.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    [GeneratedRegex(@"\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)|\u001b[()][0-9A-Za-z]|\u001b[=>78DEHM]")]
    private static partial Regex Escapes();
}
