using System.Diagnostics;
using Phi3.OnnxSdk.SyntheticModels.Tests.TestSupport;

namespace Phi3.OnnxSdk.SyntheticModels.Tests.Cli;

/// <summary>Runs the real <c>build-test-model</c> program as a process.</summary>
public class BuildTestModelCommandTests
{
    [Fact]
    public void Run_UnknownPreset_ExitsTwoNamingIt()
    {
        var (code, _, error) = Run("/tmp/unused-model", "huge");
        Assert.Equal(2, code);
        Assert.Contains("Unknown preset 'huge'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--layers", "-3", "layers must be positive")]
    [InlineData("--hidden", "-128", "hidden size must be positive")]
    [InlineData("--context", "0", "context length must be positive")]
    [InlineData("--seed", "abc", "--seed needs a whole number")]
    [InlineData("--precision", "fp8", "fp32 or int4")]
    public void Run_BadValue_ExitsTwoWithMessage(string option, string value, string message)
    {
        var (code, _, error) = Run("/tmp/unused-model", "tiny", option, value);
        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_NoArguments_ExitsTwoWithUsage()
    {
        var (code, _, error) = Run();
        Assert.Equal(2, code);
        Assert.Contains("usage: build-test-model", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_UnwritableFolder_ExitsOneNamingTheFolder()
    {
        using var temp = new TempFolder();
        string file = Path.Combine(temp.Path, "a-file");
        File.WriteAllText(file, "x");

        var (code, _, error) = Run(Path.Combine(file, "model"), "tiny");

        Assert.Equal(1, code);
        Assert.Contains("Cannot write the model to", error, StringComparison.Ordinal);
        Assert.Contains("a-file", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Script_TinyPreset_BuildsAFolderOnnxRuntimeGenAILoads()
    {
        using var temp = new TempFolder();
        string script = Path.Combine(RepositoryRoot(), "scripts", "build-test-model.sh");

        var (code, output, error) = Start("bash", script, temp.Path, "tiny", "--seed", "3");

        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("built tiny (seed 3)", output, StringComparison.Ordinal);
        Assert.Equal(4, Greedy.Generate(temp.Path, "Hello", 4).Length);
    }

    [Fact]
    public void Run_TinyVisionPreset_WritesAPhi3vFolder()
    {
        using var temp = new TempFolder();

        var (code, output, error) = Run(temp.Path, "tiny-vision");

        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Contains("built tiny-vision (seed 1)", output, StringComparison.Ordinal);
        Assert.Contains("\"phi3v\"", File.ReadAllText(Path.Combine(temp.Path, "genai_config.json")), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(temp.Path, SyntheticModelBuilder.VisionFileName)));
        Assert.True(File.Exists(Path.Combine(temp.Path, "processor_config.json")));
    }

    private static (int Code, string Output, string Error) Run(params string[] args) =>
        Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "build-test-model.dll"), .. args]);

    private static (int Code, string Output, string Error) Start(string fileName, params string[] args)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish in 3 minutes.");
        }

        return (process.ExitCode, output.Result, error.Result);
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Phi3.OnnxSdk.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("Cannot find Phi3.OnnxSdk.sln above " + AppContext.BaseDirectory);
    }
}
