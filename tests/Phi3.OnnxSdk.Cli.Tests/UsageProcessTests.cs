namespace Phi3.OnnxSdk.Cli.Tests;

/// <summary>Help and command-line errors, run as a process: one line on stderr and exit code 2, nothing on stdout.</summary>
public sealed class UsageProcessTests
{
    [Theory]
    [InlineData("--bogus")]
    [InlineData("--max-tokens", "zero", "Hello")]
    [InlineData("--max-tokens")]
    [InlineData("--temperature", "9", "Hello")]
    [InlineData("--provider", "tpu")]
    [InlineData("models", "--assume", "tpu:8GB")]
    [InlineData("models", "--assume", "cuda:lots")]
    [InlineData("models", "extra")]
    [InlineData("--assume", "cuda:24GB", "Hello")]
    [InlineData("download", "--model-path", "/tmp")]
    public async Task BadCommandLine_OneLineOnStderr_ExitCode2(params string[] args)
    {
        var result = await Phi3Process.RunAsync(string.Empty, args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(string.Empty, result.Stdout);
        string line = Assert.Single(result.StderrLines);
        Assert.StartsWith("phi3: ", line);
        Assert.EndsWith("(see 'phi3 --help')", line);
    }

    [Fact]
    public async Task UnknownModelFamily_OneLineOnStderr_ExitCode1()
    {
        var result = await Phi3Process.RunAsync(string.Empty, "models", "--model", "phi-9");

        Assert.Equal(1, result.ExitCode);
        string line = Assert.Single(result.StderrLines);
        Assert.StartsWith("phi3: Unknown model family 'phi-9'", line);
    }

    [Fact]
    public async Task Help_PrintsUsage_ExitCode0()
    {
        var result = await Phi3Process.RunAsync(string.Empty, "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("phi3 models", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("--model-path", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("/reset", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stderr);
    }
}
