using System.Diagnostics;

namespace Phi3.OnnxSdk.Cli.Tests;

/// <summary><c>scripts/phi3.sh</c>, the repository's way to run phi3: it builds quietly, so stderr holds phi3's own lines only.</summary>
public sealed class ScriptProcessTests
{
    [Fact]
    public async Task Phi3Sh_BuildsQuietlyAndRunsTheProgram()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Phi3.OnnxSdk.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("the tests run from the repository");
        }

        var start = new ProcessStartInfo("bash", [Path.Combine(root, "scripts", "phi3.sh"), "models", "--assume", "cpu:8GB"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["NO_COLOR"] = "1";
        start.Environment.Remove("PHI3_MODEL");
        start.Environment.Remove("PHI3_PROVIDER");
        start.Environment.Remove("PHI3_VARIANT");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, await stderr);
        Assert.Equal(string.Empty, await stderr);
        Assert.Contains("Pick: phi-3-mini-128k-instruct/cpu-int4-rtn-block-32-acc-level-4", await stdout, StringComparison.Ordinal);
    }
}
