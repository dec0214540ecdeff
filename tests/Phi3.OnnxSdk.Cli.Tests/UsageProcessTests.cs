namespace Phi3.OnnxSdk.Cli.Tests;

/// <summary>Help and command-line errors, run as a process: one line on stderr and exit code 2, nothing on stdout, never a download.</summary>
public sealed class UsageProcessTests
{
    [Theory]
    [InlineData("--bogus")]
    [InlineData("chat", "--max-tokens", "zero", "Hello")]
    [InlineData("chat", "--max-tokens")]
    [InlineData("chat", "--temperature", "9", "Hello")]
    [InlineData("--provider", "tpu")]
    [InlineData("models", "--assume", "tpu:8GB")]
    [InlineData("models", "--assume", "cuda:lots")]
    [InlineData("models", "extra")]
    [InlineData("chat", "--assume", "cuda:24GB", "Hello")]
    [InlineData("download", "--model-path", "/tmp")]
    [InlineData("chat", "--offline=yes", "Hello")]
    public async Task BadCommandLine_OneLineOnStderr_ExitCode2(params string[] args)
    {
        var result = await Phi3Process.RunAsync(string.Empty, args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(string.Empty, result.Stdout);
        string line = Assert.Single(result.StderrLines);
        Assert.StartsWith("phi3: ", line);
        Assert.EndsWith("(see 'phi3 --help')", line);
        Assert.DoesNotContain("(Parameter", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("model", "did you mean 'models'?")]
    [InlineData("help", "did you mean 'phi3 --help'?")]
    [InlineData("hello", "the commands are chat, models, download, synthetic")]
    [InlineData("What is ONNX?", "to ask it: phi3 chat \"What is ONNX?\"")]
    public async Task BareWord_IsAnUnknownCommandNeverAQuestion_ExitCode2WithoutTouchingTheHub(string word, string hint)
    {
        // The hub is reachable as far as phi3 knows (not offline): a word taken as a question would resolve and fetch.
        var online = new Dictionary<string, string?> { ["HF_HUB_OFFLINE"] = null, ["HF_ENDPOINT"] = "http://127.0.0.1:9" };

        var result = await Phi3Process.RunAsync(online, string.Empty, word);

        Assert.True(result.ExitCode == 2, result.ToString());
        string line = Assert.Single(result.StderrLines);
        Assert.StartsWith($"phi3: ", line);
        Assert.Contains(hint, line, StringComparison.Ordinal);
        Assert.DoesNotContain("Fetching", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownModelFamily_UsageErrorNamingTheFamilies_ExitCode2()
    {
        var result = await Phi3Process.RunAsync(string.Empty, "models", "--model", "phi-9");

        Assert.True(result.ExitCode == 2, result.ToString());
        string line = Assert.Single(result.StderrLines);
        Assert.StartsWith("phi3: --model: unknown model family 'phi-9'; the catalog has phi-3-mini-4k-instruct, ", line);
        Assert.DoesNotContain("(Parameter", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_PrintsCommandsOptionsAndChatKeys_ExitCode0()
    {
        var result = await Phi3Process.RunAsync(string.Empty, "--help");

        Assert.Equal(0, result.ExitCode);
        foreach (string expected in new[] { "chat <question>", "list, models", "download, pull", "synthetic <folder>", "--model-path", "/reset", "Up and Down recall", "Exit codes" })
        {
            Assert.Contains(expected, result.Stdout, StringComparison.Ordinal);
        }

        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public async Task Help_WinsOverTheRestOfTheLine()
    {
        var result = await Phi3Process.RunAsync(string.Empty, "models", "-n", "5", "--help", "--whatever");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("phi3 models [options]", result.Stdout, StringComparison.Ordinal);
    }
}
