using Phi3.OnnxSdk.Resolution;

namespace Phi3.OnnxSdk.Cli.Tests;

public sealed class ArgumentParserTests
{
    [Fact]
    public void Parse_Words_JoinIntoOneQuestion()
    {
        var args = ArgumentParser.Parse(["-n", "5", "what", "is", "2+2?"]);

        Assert.Equal(CliCommand.Chat, args.Command);
        Assert.Equal("what is 2+2?", args.Question);
        Assert.Equal(5, args.MaxTokens);
    }

    [Fact]
    public void Parse_NoQuestion_IsInteractiveChat()
    {
        var args = ArgumentParser.Parse(["--model-path", "/m", "--system=Be brief.", "--temperature", "0.7"]);

        Assert.Equal(CliCommand.Chat, args.Command);
        Assert.Null(args.Question);
        Assert.Equal("/m", args.ModelPath);
        Assert.Equal("Be brief.", args.System);
        Assert.Equal(0.7f, args.Temperature);
    }

    [Fact]
    public void Parse_DoubleDash_EndsOptionsSoCommandNamesCanBeAsked()
    {
        var args = ArgumentParser.Parse(["--", "models", "--help"]);

        Assert.Equal(CliCommand.Chat, args.Command);
        Assert.Equal("models --help", args.Question);
    }

    [Fact]
    public void Parse_ModelsWithProfile_BuildsTheAssumedMachine()
    {
        var args = ArgumentParser.Parse(["models", "--assume", "cuda:24GB", "--prefer", "speed"]);

        Assert.Equal(CliCommand.Models, args.Command);
        Assert.Equal(VariantPreference.Speed, args.Preference);
        var gpu = Assert.Single(args.Assume!.Hardware.Gpus);
        Assert.Equal(24_000_000_000, gpu.DedicatedMemoryBytes);
        Assert.True(args.Assume.Hardware.Providers.Cuda);
    }

    [Fact]
    public void Parse_ToPhi3Options_CarriesModelAndSamplingSettings()
    {
        var options = ArgumentParser.Parse(["download", "-m", "phi3-mini-4k", "--provider", "CPU", "--offline", "--cache-dir", "/c"]).ToPhi3Options();

        Assert.Equal("phi3-mini-4k", options.Model);
        Assert.Equal("cpu", options.Provider);
        Assert.True(options.Hub.Offline);
        Assert.Equal("/c", options.Hub.CacheDirectory);
    }

    [Fact]
    public void Parse_HubFlags_ReachTheHubOptionsAndAreNullWhenAbsent()
    {
        var given = ArgumentParser.Parse(["download", "--verify-cache", "--copy-files", "--no-direct-io"]).ToPhi3Options().Hub;
        var absent = ArgumentParser.Parse(["download"]).ToPhi3Options().Hub;

        Assert.True(given.VerifyCachedFiles);
        Assert.False(given.UseSymbolicLinks);
        Assert.False(given.UseDirectIO);
        Assert.Null(absent.VerifyCachedFiles);
        Assert.Null(absent.UseSymbolicLinks);
        Assert.Null(absent.UseDirectIO);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Parse_Help_WinsOverTheRest(string flag)
    {
        Assert.Equal(CliCommand.Help, ArgumentParser.Parse(["models", "-n", "5", flag, "--whatever"]).Command);
    }

    [Theory]
    [InlineData("--offline=yes")]
    [InlineData("--verify-cache=1")]
    [InlineData("--top-p", "1.5")]
    [InlineData("--top-k", "0")]
    [InlineData("--seed", "x")]
    [InlineData("--prefer", "cheap")]
    [InlineData("-p", "/m", "-m", "phi3")]
    public void Parse_BadArguments_ThrowUsageException(params string[] args)
    {
        Assert.Throws<CliUsageException>(() => ArgumentParser.Parse(args));
    }
}
