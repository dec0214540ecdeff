namespace Phi3.OnnxSdk.Cli.Tests;

/// <summary><c>phi3 models --assume ...</c> run as a process: the pick for an assumed machine, with reasons.</summary>
public sealed class ModelsProcessTests
{
    [Theory]
    [InlineData("cuda:24GB", "phi-3-mini-128k-instruct/cuda-fp16")]
    [InlineData("cuda:8GB", "phi-3-mini-128k-instruct/cuda-int4-rtn-block-32")]
    [InlineData("dml", "phi-3-mini-128k-instruct/directml-int4-awq-block-128")]
    [InlineData("cpu:8GB", "phi-3-mini-128k-instruct/cpu-int4-rtn-block-32-acc-level-4")]
    public async Task Models_AssumedMachine_PicksTheVariantOfTheDefaultFamily(string profile, string expected)
    {
        var result = await Phi3Process.RunAsync(string.Empty, "models", "--assume", profile);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n');
        Assert.Contains($"Pick: {expected}", lines);
        Assert.Contains(lines, l => l.StartsWith("  because: ", StringComparison.Ordinal));
        Assert.StartsWith($"Machine: assumed {profile}", lines[0]);
    }

    [Fact]
    public async Task Models_Cuda24GB_ListsEveryFamilyWithAVerdictPerVariant()
    {
        var result = await Phi3Process.RunAsync(string.Empty, "models", "--assume", "cuda:24GB");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("phi-3-mini-128k-instruct [default]", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("phi-3-medium-4k-instruct", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("  * cuda-fp16: chosen;", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("  - directml-int4-awq-block-128: DirectML needs Windows", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("  - cuda-fp16: needs about 29.0 GB VRAM, the GPU has 24.0 GB", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_NothingFits_GivesOneReasonPerLine()
    {
        var result = await Phi3Process.RunAsync(string.Empty, "models", "--assume", "cpu:4GB");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n');
        int because = Array.FindIndex(lines, l => l.StartsWith("  because: ", StringComparison.Ordinal));
        Assert.True(because > 0, result.Stdout);
        Assert.Equal("Pick: none", lines[because - 1]);
        Assert.Equal("  because: No variant of phi-3-mini-128k-instruct can run on this machine:", lines[because]);
        Assert.Equal("           cpu-int4-rtn-block-32-acc-level-4: needs about 6.3 GB RAM, the machine has 4.0 GB", lines[because + 1]);
        Assert.All(lines, l => Assert.True(l.Length <= 160, $"a {l.Length}-character line: {l}"));
    }

    [Fact]
    public async Task Models_Pick_GivesEachClauseOfTheReasonItsOwnLine()
    {
        var result = await Phi3Process.RunAsync(string.Empty, "models", "--assume", "cuda:24GB");

        var lines = result.Stdout.Split('\n');
        int because = Array.FindIndex(lines, l => l.StartsWith("  because: ", StringComparison.Ordinal));
        Assert.Equal("  because: runs on the assumed NVIDIA GPU (compute capability 8.9)", lines[because]);
        Assert.Equal("           needs about 9.5 GB VRAM, the GPU has 24.0 GB", lines[because + 1]);
    }

    [Fact]
    public async Task Models_OneFamily_ListsOnlyIt()
    {
        var result = await Phi3Process.RunAsync(string.Empty, "models", "--assume", "cpu:16GB", "--model", "phi3-mini-4k");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Pick: phi-3-mini-4k-instruct/cpu-int4-rtn-block-32-acc-level-4", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("phi-3-medium", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_LocalFirstForAFamilyThisMachineCannotRun_SaysRemoteAndWhy_KeyNeverPrinted()
    {
        const string Key = "models-test-key-41d2";
        var result = await Phi3Process.RunAsync(
            string.Empty,
            "models", "--assume", "cpu:16GB", "--model", "phi-3-small-128k-instruct", "--placement", "local-first",
            "--remote-endpoint", "http://gpu-box:8000/v1", "--remote-model", "microsoft/Phi-3-small-128k-instruct", "--remote-api-key", Key);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n');
        int placement = Array.IndexOf(lines, "Placement (local-first): remote http://gpu-box:8000/v1 (model microsoft/Phi-3-small-128k-instruct)");
        Assert.True(placement > 0, result.ToString());
        Assert.StartsWith("  because: this machine cannot run phi-3-small-128k-instruct, so the remote endpoint serves it", lines[placement + 1]);
        Assert.Contains("Pick: none", lines);
        Assert.DoesNotContain(Key, result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_RemoteEndpointWithoutRemoteModel_TakesPhi3ModelAsTheName_ElseSaysWhatIsMissing()
    {
        string[] args = ["models", "--assume", "cpu:16GB", "--placement", "remote", "--remote-endpoint", "http://gpu-box:8000/v1"];
        var withVariable = await Phi3Process.RunAsync(new Dictionary<string, string?> { ["PHI3_MODEL"] = "phi-3-small-128k-instruct" }, string.Empty, args);
        var without = await Phi3Process.RunAsync(string.Empty, args);

        Assert.True(withVariable.ExitCode == 0, withVariable.ToString());
        Assert.Contains("Placement (remote): remote http://gpu-box:8000/v1 (model phi-3-small-128k-instruct)", withVariable.Stdout.Split('\n'));
        Assert.Equal(2, without.ExitCode);
        Assert.Contains("--remote-endpoint needs --remote-model NAME (the model the endpoint serves), --model or PHI3_MODEL", without.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_LocalFirstForAFamilyThisMachineRuns_SaysLocalAndWhy()
    {
        var result = await Phi3Process.RunAsync(
            string.Empty,
            "models", "--assume", "cpu:16GB", "--model", "phi-3-mini-4k-instruct", "--placement", "local-first", "--remote-endpoint", "http://gpu-box:8000/v1");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n');
        int placement = Array.IndexOf(lines, "Placement (local-first): local");
        Assert.True(placement > 0, result.ToString());
        Assert.StartsWith("  because: this machine can run phi-3-mini-4k-instruct", lines[placement + 1]);
    }

    [Fact]
    public async Task Models_PlacementLocalForAFamilyThisMachineCannotRun_SaysNoneAndWhy_WithoutThePlacementFlagNothing()
    {
        var local = await Phi3Process.RunAsync(string.Empty, "models", "--assume", "cpu:16GB", "--model", "phi-3-small-128k-instruct", "--placement", "local");
        var plain = await Phi3Process.RunAsync(string.Empty, "models", "--assume", "cpu:16GB", "--model", "phi-3-small-128k-instruct");

        Assert.True(local.ExitCode == 0, local.ToString());
        var lines = local.Stdout.Split('\n');
        int placement = Array.IndexOf(lines, "Placement (local): none");
        Assert.True(placement > 0, local.ToString());
        Assert.StartsWith("  because: ", lines[placement + 1]);
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.DoesNotContain("Placement", plain.Stdout, StringComparison.Ordinal);
    }
}
