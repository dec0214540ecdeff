using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using Phi3.OnnxSdk.Resolution;

namespace Phi3.OnnxSdk.Cli.Tests;

/// <summary>The command line parsed in-process: option values reach the SDK options; bad ones become one-line messages.</summary>
public sealed class CommandLineTests
{
    private static (ParseResult Result, ModelOptions Model, GenerationOptions Generation) Parse(params string[] args)
    {
        var command = new RootCommand();
        var model = new ModelOptions();
        model.AddTo(command, localModel: true, plan: true);
        var generation = new GenerationOptions();
        generation.AddTo(command);
        return (command.Parse(args), model, generation);
    }

    private static string? Usage(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = new CliConsole(TextReader.Null, output, error, false, false, false);
        using var interrupts = new InterruptHandler(console);
        var result = CliApp.BuildRoot(new CliContext(console, interrupts)).Parse(args);
        return UsageErrors.Find(result, args);
    }

    [Fact]
    public void ToPhi3Options_ModelHubAndSamplingFlags_ReachTheSdkOptions()
    {
        var (result, model, generation) = Parse("-m", "phi3-mini-4k", "--provider", "CPU", "--prefer", "speed", "--offline", "--cache-dir", "/c", "-n", "5", "--temperature", "0.7", "--seed", "42");

        var options = model.ToPhi3Options(result, NullLogger.Instance, generation.ToClientOptions(result));

        Assert.Empty(result.Errors);
        Assert.Equal("phi3-mini-4k", options.Model);
        Assert.Equal("cpu", options.Provider);
        Assert.Equal(VariantPreference.Speed, options.Preference);
        Assert.True(options.Hub!.Offline);
        Assert.Equal("/c", options.Hub.CacheDirectory);
        Assert.Equal(5, options.ChatClient!.MaxOutputTokens);
        Assert.Equal(0.7f, options.ChatClient.Temperature);
        Assert.Equal(42, options.ChatClient.Seed);
    }

    [Fact]
    public void ToPhi3Options_HubFlags_AreSetWhenGivenAndNullWhenAbsent()
    {
        var (given, model, _) = Parse("--verify-cache", "--copy-files", "--no-direct-io");
        var (absent, model2, _) = Parse();

        var hub = model.ToPhi3Options(given, NullLogger.Instance).Hub!;
        var none = model2.ToPhi3Options(absent, NullLogger.Instance).Hub!;

        Assert.True(hub.VerifyCachedFiles);
        Assert.False(hub.UseSymbolicLinks);
        Assert.False(hub.UseDirectIO);
        Assert.Null(none.VerifyCachedFiles);
        Assert.Null(none.UseSymbolicLinks);
        Assert.Null(none.UseDirectIO);
        Assert.Null(none.Offline);
    }

    [Fact]
    public void Assume_Profile_BuildsTheAssumedMachine()
    {
        var (result, model, _) = Parse("--assume", "cuda:24GB");

        var profile = result.GetValue(model.Assume)!;

        var gpu = Assert.Single(profile.Hardware.Gpus);
        Assert.Equal(24_000_000_000, gpu.DedicatedMemoryBytes);
        Assert.True(profile.Hardware.Providers.Cuda);
    }

    [Theory]
    [InlineData("model", "unknown command 'model'; did you mean 'models'?")]
    [InlineData("modles", "unknown command 'modles'; did you mean 'models'?")]
    [InlineData("downlaod", "unknown command 'downlaod'; did you mean 'download'?")]
    [InlineData("help", "unknown command 'help'; did you mean 'phi3 --help'?")]
    [InlineData("What is ONNX?", "'What is ONNX?' is not a command; to ask it: phi3 chat \"What is ONNX?\"")]
    [InlineData("--offline=yes", "--offline takes no value")]
    [InlineData("--top-p", "1.5", "--top-p needs a number from 0 to 1, not '1.5'")]
    [InlineData("--top-k", "0", "--top-k needs a whole number of at least 1, not '0'")]
    [InlineData("--seed", "x", "--seed needs a whole number, not 'x'")]
    [InlineData("--prefer", "cheap", "--prefer must be quality or speed, not 'cheap'")]
    [InlineData("chat", "--max-tokens", "--max-tokens needs a value")]
    [InlineData("chat", "-p", "/m", "-m", "phi3", "--model-path loads that folder; it cannot be combined with --model, --variant or --provider")]
    [InlineData("models", "extra", "unexpected argument 'extra' for 'phi3 models'")]
    [InlineData("download", "--model-path", "/tmp", "unknown option '--model-path' for 'phi3 download'")]
    public void Find_BadCommandLine_NamesWhatIsWrong(params string[] argsThenMessage)
    {
        Assert.Equal(argsThenMessage[^1], Usage(argsThenMessage[..^1]));
    }

    [Theory]
    [InlineData("chat", "hello", "world")]
    [InlineData("list", "--assume", "cpu:8GB")]
    [InlineData("pull", "--assume", "cpu:8GB")]
    [InlineData("-n", "5")]
    [InlineData("chat", "--", "models", "--help")]
    public void Find_GoodCommandLine_IsNull(params string[] args)
    {
        Assert.Null(Usage(args));
    }

    [Fact]
    public void Closest_WordFarFromEveryName_IsNull()
    {
        Assert.Null(UsageErrors.Closest("hello", ["chat", "models", "list", "download", "pull", "synthetic"]));
    }
}
