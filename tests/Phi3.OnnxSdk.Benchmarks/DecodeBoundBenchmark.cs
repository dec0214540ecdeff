using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.Runtime;
using static Phi3.OnnxSdk.Benchmarks.BenchModels;

namespace Phi3.OnnxSdk.Benchmarks;

/// <summary>
/// <c>decode [--model DIR] [--tokens N]</c>: greedy decode tokens/s against the memory-bandwidth bound
/// (weight and KV bytes read per token / read bandwidth measured in the same run), for each setting the
/// SDK controls: intra-op threads and the KV buffer size (max_length).
/// </summary>
internal sealed class DecodeBoundBenchmark : IBenchmark
{
    public string Name => "decode";

    public string Description => "decode tokens/s vs the memory-bandwidth bound; intra-op threads and KV sizing (mini-int4; --quick: tiny)";

    public Task RunAsync(BenchmarkContext context)
    {
        var models = Resolve(context);
        int tokens = int.Parse(context.Option("--tokens", context.Quick ? "256" : "48"), CultureInfo.InvariantCulture);
        var output = context.Output;
        int[] prompt = Prompt(16);

        double bandwidth = MachineProbe.ReadBandwidth();
        double averagePosition = prompt.Length + (tokens / 2.0);
        double bytesPerToken = models.WeightBytesReadPerToken + (models.KvBytesPerToken * averagePosition);
        double bound = bandwidth / bytesPerToken;
        output.WriteLine(F($"read bandwidth {bandwidth / 1e9:F1} GB/s; bytes read per token {bytesPerToken / 1e9:F3} GB (weights {models.WeightBytesReadPerToken / 1e9:F3} + KV at ~{averagePosition:F0} tokens); bound {bound:F1} tokens/s"));

        var settings = new (string Name, RuntimeTuning Tuning)[]
        {
            ("threads: ORT default", new RuntimeTuning()),
            ("threads: 1", new RuntimeTuning { IntraOpThreads = 1 }),
            ($"threads: {Environment.ProcessorCount}", new RuntimeTuning { IntraOpThreads = Environment.ProcessorCount }),
        };

        output.WriteLine("| setting | max_length | load s | decode tokens/s | read bandwidth just before, GB/s | bound tokens/s | fraction of bound |");
        output.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var (name, tuning) in settings)
        {
            var load = Stopwatch.StartNew();
            using var config = tuning.CreateConfig(models.Folder);
            using var model = new Model(config);
            load.Stop();
            foreach (int maxLength in new[] { prompt.Length + tokens, Math.Min(4096, models.ContextLength) })
            {
                // Bandwidth again right before each decode: other load on the machine moves both.
                double nearBandwidth = MachineProbe.ReadBandwidth(3);
                double nearBound = nearBandwidth / bytesPerToken;
                double rate = Decode(model, prompt, tokens, maxLength);
                output.WriteLine(F($"| {name} | {maxLength} | {load.Elapsed.TotalSeconds:F1} | {rate:F2} | {nearBandwidth / 1e9:F1} | {nearBound:F1} | {rate / nearBound:F2} |"));
            }
        }

        return Task.CompletedTask;
    }

    private static double Decode(Model model, int[] prompt, int tokens, int maxLength)
    {
        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("max_length", maxLength);
        using var generator = new Generator(model, parameters);
        generator.AppendTokens(prompt);
        generator.GenerateNextToken();
        var watch = Stopwatch.StartNew();
        for (int i = 1; i < tokens; i++)
        {
            generator.GenerateNextToken();
        }

        return (tokens - 1) / watch.Elapsed.TotalSeconds;
    }
}
