using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using static Phi3.OnnxSdk.Benchmarks.BenchModels;
using static Phi3.OnnxSdk.Benchmarks.Statistics;

namespace Phi3.OnnxSdk.Benchmarks;

/// <summary>
/// <c>firstturn [--model DIR] [--reps N]</c>: time to first token of a process's first request (default options:
/// 1,024 output tokens and the reuse headroom, so a fresh KV buffer), without and with <see cref="Phi3ChatClient.WarmUpAsync"/>
/// before it. Each measurement runs in a fresh child process, because what warming saves is the process's first
/// touch of that memory; the two kinds alternate.
/// </summary>
internal sealed class FirstTurnBenchmark : IBenchmark
{
    private const string ResultPrefix = "first-turn ";

    public string Name => "firstturn";

    public string Description => "TTFT of a process's first request, cold vs after WarmUpAsync, in fresh processes (mini-int4; --quick: tiny)";

    public async Task RunAsync(BenchmarkContext context)
    {
        var models = Resolve(context);
        string child = context.Option("--child", string.Empty);
        if (child.Length > 0)
        {
            await MeasureAsync(models.Folder, warm: child == "warm", context.Output);
            return;
        }

        int reps = int.Parse(context.Option("--reps", "3"), CultureInfo.InvariantCulture);
        var cold = new List<double>();
        var warm = new List<double>();
        var warmUp = new List<double>();
        for (int i = 0; i < reps; i++)
        {
            foreach (bool warmed in i % 2 == 0 ? new[] { false, true } : new[] { true, false })
            {
                var (ttft, warmUpMs) = await RunChildAsync(models.Folder, warmed);
                (warmed ? warm : cold).Add(ttft);
                if (warmed)
                {
                    warmUp.Add(warmUpMs);
                }
            }
        }

        context.Output.WriteLine(F($"{reps} fresh processes each; first request: {Prompt} (default MaxOutputTokens, KV reuse on)"));
        context.Output.WriteLine("| first request | TTFT ms, each run | median |");
        context.Output.WriteLine("|---|---|---|");
        context.Output.WriteLine(F($"| cold | {string.Join(", ", cold.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))} | {Median(cold):F0} |"));
        context.Output.WriteLine(F($"| after WarmUpAsync (which took {string.Join(", ", warmUp.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))} ms) | {string.Join(", ", warm.Select(v => v.ToString("F0", CultureInfo.InvariantCulture)))} | {Median(warm):F0} |"));
        context.Output.WriteLine(F($"ratio cold / warmed (median): {Median(cold) / Median(warm):F2}"));
    }

    private const string Prompt = "Tell me a long story about a lighthouse keeper.";

    private static async Task MeasureAsync(string folder, bool warm, TextWriter output)
    {
        using var model = new Phi3Model(folder);
        using var client = new Phi3ChatClient(model);
        var watch = Stopwatch.StartNew();
        if (warm)
        {
            await client.WarmUpAsync();
        }

        double warmUpMs = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        double first = double.NaN;
        using var stop = new CancellationTokenSource();
        try
        {
            await foreach (var update in client.GetStreamingResponseAsync(Prompt, cancellationToken: stop.Token))
            {
                if (update.Text.Length > 0)
                {
                    first = watch.Elapsed.TotalMilliseconds;
                    await stop.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException) when (!double.IsNaN(first))
        {
            // Stopped after the first token on purpose.
        }

        output.WriteLine(F($"{ResultPrefix}{first:F1} {warmUpMs:F1}"));
    }

    private static async Task<(double Ttft, double WarmUp)> RunChildAsync(string folder, bool warm)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(FirstTurnBenchmark).Assembly.Location);
        foreach (string argument in new[] { "firstturn", "--model", folder, "--child", warm ? "warm" : "cold" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        string stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        string line = stdout.Split('\n').Single(l => l.StartsWith(ResultPrefix, StringComparison.Ordinal));
        var parts = line[ResultPrefix.Length..].Trim().Split(' ');
        return (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
    }
}
