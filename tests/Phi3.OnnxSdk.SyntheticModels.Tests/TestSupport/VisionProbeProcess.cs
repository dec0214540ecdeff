using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Phi3.OnnxSdk.VisionProbe;

namespace Phi3.OnnxSdk.SyntheticModels.Tests.TestSupport;

/// <summary>
/// Runs raw onnxruntime-genai vision cases in a child process (<c>dotnet vision-probe.dll</c>), so
/// that a native crash, an exit from inside the runtime or a hang fails a test instead of killing
/// or stalling the test host. The child is killed when one step (a <c>begin</c> line on its stderr)
/// lasts longer than the step timeout, or the whole run longer than the total timeout.
/// </summary>
internal static class VisionProbeProcess
{
    // A hang is caught by the step timeout; the total only bounds a child that keeps making slow progress. 14 s on a
    // quiet 2-core machine, over 6 minutes with five other builds and test runs competing for its cores.
    public static readonly TimeSpan DefaultTotalTimeout = TimeSpan.FromMinutes(12);

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static VisionProbeRun Run(string modelFolder, IReadOnlyList<ProbeCase> cases, TimeSpan stepTimeout, TimeSpan? totalTimeout = null)
    {
        using var temp = new TempFolder();
        string casesFile = Path.Combine(temp.Path, "cases.json");
        File.WriteAllText(casesFile, JsonSerializer.Serialize(cases, s_json));

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vision-probe.dll"));
        start.ArgumentList.Add(modelFolder);
        start.ArgumentList.Add(casesFile);

        var stderr = new StringBuilder();
        var lastBegin = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (stderr)
            {
                stderr.AppendLine(e.Data);
                if (e.Data.StartsWith("begin ", StringComparison.Ordinal))
                {
                    lastBegin.Restart();
                }
            }
        };
        process.Start();
        process.BeginErrorReadLine();
        var stdout = process.StandardOutput.ReadToEndAsync();

        var total = Stopwatch.StartNew();
        bool exited = false;
        while (!exited)
        {
            exited = process.WaitForExit(TimeSpan.FromMilliseconds(200));
            TimeSpan sinceBegin;
            lock (stderr)
            {
                sinceBegin = lastBegin.Elapsed;
            }

            if (!exited && (sinceBegin > stepTimeout || total.Elapsed > (totalTimeout ?? DefaultTotalTimeout)))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                break;
            }
        }

        process.WaitForExit();
        var results = stdout.Result
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => JsonSerializer.Deserialize<ProbeResult>(line, s_json)!)
            .ToList();
        string errors;
        lock (stderr)
        {
            errors = stderr.ToString();
        }

        var run = new VisionProbeRun(exited ? process.ExitCode : null, results, errors);
        if (!run.Completed)
        {
            // The child died or hung: collect here so nothing of ours lingers for the next test.
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        return run;
    }
}
