using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.Runtime;
using static Phi3.OnnxSdk.Benchmarks.BenchModels;

namespace Phi3.OnnxSdk.Benchmarks;

/// <summary>
/// <c>newturn [--model DIR] [--histories 0,1024,4096,16384] [--turn 16] [--reps 3]</c>: what a new turn costs the runtime
/// itself, with no SDK code: one raw Generator holds a history of H tokens in its KV cache, and the time to append a
/// new turn of T tokens and take the first token is measured (then rewound to H and repeated). The ratio of H to 0 is
/// the floor any client's reuse-on time to first token can reach on this machine.
/// </summary>
internal sealed class NewTurnRawBenchmark : IBenchmark
{
    public string Name => "newturn";

    public string Description => "raw onnxruntime-genai cost of a new turn after 0..16K tokens of cached history (mini-int4; --quick: tiny)";

    public Task RunAsync(BenchmarkContext context)
    {
        var models = Resolve(context);
        int[] histories = [.. context.Option("--histories", context.Quick ? "0,1024,3072" : "0,1024,4096,16384").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
        int turn = int.Parse(context.Option("--turn", "16"), CultureInfo.InvariantCulture);
        int reps = int.Parse(context.Option("--reps", "3"), CultureInfo.InvariantCulture);
        var output = context.Output;
        using var config = RuntimeTuning.ForFolder(models.Folder).CreateConfig(models.Folder);
        using var model = new Model(config);
        int[] newTurn = Prompt(turn, 99);

        output.WriteLine(F($"new turn of {turn} tokens appended to a cached history, then the first token; median of {reps}"));
        output.WriteLine("| history tokens | history prefill s | new turn ms (each) | median ms | ratio to 0 history |");
        output.WriteLine("|---|---|---|---|---|");
        double? zero = null;
        foreach (int history in histories)
        {
            using var parameters = new GeneratorParams(model);
            parameters.SetSearchOption("max_length", history + turn + 2);
            using var generator = new Generator(model, parameters);
            var watch = Stopwatch.StartNew();
            int[] past = Prompt(history + 2, 7)[..history];
            for (int at = 0; at < history; at += 512)
            {
                generator.AppendTokens(past.AsSpan(at, Math.Min(512, history - at)));
            }

            double prefill = watch.Elapsed.TotalSeconds;
            var times = new List<double>();
            for (int r = 0; r < reps; r++)
            {
                if (r > 0)
                {
                    generator.RewindTo((ulong)history);
                }

                watch.Restart();
                generator.AppendTokens(newTurn);
                generator.GenerateNextToken();
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            double median = Statistics.Median(times);
            zero ??= median;
            output.WriteLine(F($"| {history} | {prefill:F1} | {string.Join(", ", times.Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))} | {median:F0} | {median / zero.Value:F2} |"));
        }

        return Task.CompletedTask;
    }
}
