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
        model.AddTo(command, localModel: true, plan: true, remote: true);
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
    public void ToPhi3Options_Connections_ReachesTheHubOptionsAndIsNullWhenAbsent()
    {
        var (one, model, _) = Parse("--connections", "1");
        var (absent, model2, _) = Parse();

        Assert.Equal(1, model.ToPhi3Options(one, NullLogger.Instance).Hub.ConnectionsPerFile);
        Assert.Null(model2.ToPhi3Options(absent, NullLogger.Instance).Hub.ConnectionsPerFile);
    }

    [Fact]
    public void ToPhi3Options_PlacementFlags_ReachThePlacementAndTheRemoteOptions()
    {
        var (result, model, _) = Parse("--placement", "Local-First", "--remote-endpoint", "http://gpu-box:8000/v1", "--remote-model", "microsoft/Phi-3-small-128k-instruct", "--remote-api-key", "k1");
        var (absent, model2, _) = Parse();

        var options = model.ToPhi3Options(result, NullLogger.Instance);
        var none = model2.ToPhi3Options(absent, NullLogger.Instance);

        Assert.Empty(result.Errors);
        Assert.Equal(Phi3Placement.LocalFirst, options.Placement);
        Assert.Equal(new Uri("http://gpu-box:8000/v1"), options.Remote.Endpoint);
        Assert.Equal("microsoft/Phi-3-small-128k-instruct", options.Remote.Model);
        Assert.Equal("k1", options.Remote.ApiKey);
        Assert.True(PlacementOptions.MayBeRemote(options));
        Assert.Null(none.Placement);
        Assert.Null(none.Remote.Endpoint);
        Assert.False(PlacementOptions.MayBeRemote(none));
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
    [InlineData("download", "--connections", "0", "--connections needs a whole number from 1 to 64, not '0'")]
    [InlineData("chat", "--connections", "65", "--connections needs a whole number from 1 to 64, not '65'")]
    [InlineData("serve", "--connections", "many", "--connections needs a whole number from 1 to 64, not 'many'")]
    [InlineData("chat", "--placement", "cloud", "--placement must be local, remote or local-first, not 'cloud'")]
    [InlineData("chat", "--placement", "remote", "--placement remote needs --remote-endpoint URL")]
    [InlineData("models", "--placement", "local-first", "--placement local-first needs --remote-endpoint URL")]
    [InlineData("models", "--remote-endpoint", "ftp://h/v1", "--remote-endpoint needs an absolute http or https address such as http://gpu-box:8000/v1, not 'ftp://h/v1'")]
    [InlineData("serve", "--remote-endpoint", "http://h/v1", "--remote-endpoint needs --remote-model NAME (the model the endpoint serves), --model or PHI3_MODEL")]
    [InlineData("chat", "--remote-api-key", "k", "--remote-api-key goes with --remote-endpoint URL")]
    [InlineData("chat", "-p", "/m", "--remote-endpoint", "http://h/v1", "--remote-model", "x", "--model-path runs that folder here; it cannot be combined with a remote placement (--remote-endpoint without --placement local-first or local)")]
    [InlineData("download", "--placement", "remote", "unknown option '--placement' for 'phi3 download'")]
    [InlineData("serve", "--port", "70000", "--port needs a whole number from 0 to 65535, not '70000'")]
    [InlineData("serve", "--max-queued", "-1", "--max-queued needs a whole number from 0 to 100000, not '-1'")]
    [InlineData("serve", "extra", "unexpected argument 'extra' for 'phi3 serve'")]
    [InlineData("serve", "--max-body-bytes", "0", "--max-body-bytes needs a whole number of at least 1, not '0'")]
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
    [InlineData("chat", "--placement", "local-first", "--remote-endpoint", "http://h/v1", "-m", "phi-3-small-128k-instruct", "hi")]
    [InlineData("chat", "-p", "/m", "--placement", "local-first", "--remote-endpoint", "http://h/v1", "--remote-model", "x")]
    [InlineData("chat", "--image", "a.png", "--image", "b.jpg", "What is in them?")]
    [InlineData("serve", "--connections", "1", "--port", "0", "--host", "::1", "--cors", "http://localhost:3000", "--max-queued", "0")]
    [InlineData("pull", "--connections", "64")]
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
