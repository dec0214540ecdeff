using System.Text.RegularExpressions;
using Phi3.OnnxSdk.SyntheticModels;
using Phi3.OnnxSdk.Tests.Hub;

namespace Phi3.OnnxSdk.Cli.Tests;

/// <summary>
/// phi3 as a person meets it: on a pseudo-terminal, typing keys. The answers of the synthetic tiny model are greedy and
/// deterministic, so the answer to a message is known from a redirected run of the same message.
/// </summary>
public sealed class TerminalProcessTests
{
    private static readonly string s_model = TestModelCache.GetOrBuild("tiny");
    private static readonly Dictionary<string, string?> s_offline = [];

    [Fact]
    public async Task Chat_OnATerminal_BannerHistoryMultiLineTokenLimitAndRedErrors()
    {
        string hello = (await Phi3Process.RunAsync(string.Empty, "chat", "-p", s_model, "-n", "12", "Hello")).Stdout.Trim();
        string twoLines = (await Phi3Process.RunAsync(string.Empty, "chat", "-p", s_model, "-n", "12", "line one\nline two")).Stdout.Trim();

        using var phi3 = Phi3Process.StartInTerminal(s_offline, "chat", "-p", s_model, "-n", "12");
        await phi3.WaitUntilAsync((_, _) => phi3.Screen.Contains("/help", StringComparison.Ordinal), "the banner");
        Assert.Contains("Type a message and press Enter; /help lists the commands", phi3.Screen, StringComparison.Ordinal);

        await TypeAsync(phi3, "Hello");
        await AnswersAsync(phi3, 1);

        // After /reset, Up twice recalls "Hello" (the last entry is "/reset"): a fresh conversation answers it the same.
        await TypeAsync(phi3, "/reset");
        await phi3.WaitUntilAsync((_, _) => phi3.Screen.Contains("(conversation cleared)", StringComparison.Ordinal), "the reset");
        await phi3.WriteAsync(Terminal.Up);
        await Task.Delay(300);
        await phi3.WriteAsync(Terminal.Up);
        await Task.Delay(300);
        await phi3.WriteAsync(Terminal.Enter);
        await AnswersAsync(phi3, 2);
        await TypeAsync(phi3, "/reset");

        // A line ending in a backslash goes on to a second line of the same message.
        await TypeAsync(phi3, "line one\\");
        await TypeAsync(phi3, "line two");
        await AnswersAsync(phi3, 3);

        await TypeAsync(phi3, "/bogus");
        await phi3.WaitUntilAsync((_, _) => phi3.Screen.Contains("unknown chat command", StringComparison.Ordinal), "the error");
        await TypeAsync(phi3, "/exit");
        var result = await phi3.WaitForExitAsync();

        string screen = phi3.Screen;
        Assert.True(result.ExitCode == 0, screen);
        Assert.True(Terminal.Count(screen, hello) >= 2, $"the recalled message was not answered again: {screen}");
        Assert.Contains(twoLines, screen, StringComparison.Ordinal);
        Assert.Equal(2, Terminal.Count(screen, "(conversation cleared)"));
        Assert.Equal(3, Terminal.Count(screen, "(the answer stopped at the limit of 12 tokens; --max-tokens raises it)"));

        // The error line is coloured: an SGR escape right before "phi3:".
        Assert.Matches(new Regex(@"\u001b\[[0-9;]+mphi3:"), result.Stdout);
    }

    [Fact]
    public async Task Chat_OnATerminal_DownloadBarEndsItsLineBeforeLoadedNamesTheVariant()
    {
        await using var hub = new FakeHub();
        SyntheticHubModel.Publish(hub, "contoso/phi3-synthetic-onnx", "cpu_and_mobile/tiny");
        using var setup = new HubCatalogFolder(hub, "contoso/phi3-synthetic-onnx", "cpu_and_mobile/tiny");

        using var phi3 = Phi3Process.StartInTerminal(setup.Online, "chat", "--catalog", setup.Catalog, "--cache-dir", setup.Cache, "-n", "3");
        await phi3.WaitUntilAsync((_, _) => phi3.Screen.Contains("/help", StringComparison.Ordinal), "the banner");
        await TypeAsync(phi3, "/exit");
        var result = await phi3.WaitForExitAsync();

        string screen = phi3.Screen;
        Assert.True(result.ExitCode == 0, screen);
        Assert.Contains("100%", screen, StringComparison.Ordinal);
        int loaded = screen.IndexOf("Loaded phi3-synthetic/cpu-tiny in ", StringComparison.Ordinal);
        Assert.True(loaded > 0, screen);
        Assert.Equal('\n', screen[loaded - 1]);
        Assert.Matches(@"^Loaded phi3-synthetic/cpu-tiny in \d+\.\d s$", screen[loaded..].Split('\n')[0]);
        Assert.Contains("Chatting with phi3-synthetic/cpu-tiny.", screen, StringComparison.Ordinal);
    }

    /// <summary>Types <paramref name="text"/>, waits until the terminal shows it, then presses Enter (alone, so it is not taken for a paste).</summary>
    private static async Task TypeAsync(Phi3Process phi3, string text)
    {
        int before = Terminal.Count(phi3.Screen, text);
        await phi3.WriteAsync(text);
        await phi3.WaitUntilAsync((_, _) => Terminal.Count(phi3.Screen, text) > before, $"'{text}' to be echoed");
        await Task.Delay(100);
        await phi3.WriteAsync(Terminal.Enter);
    }

    private static Task AnswersAsync(Phi3Process phi3, int count) =>
        phi3.WaitUntilAsync((_, _) => Terminal.Count(phi3.Screen, "tokens/s]") >= count, $"answer {count}");
}
