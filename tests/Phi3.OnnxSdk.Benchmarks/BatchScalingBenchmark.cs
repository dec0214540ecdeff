using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.Runtime;
using static Phi3.OnnxSdk.Benchmarks.BenchModels;

namespace Phi3.OnnxSdk.Benchmarks;

/// <summary>
/// <c>batchscaling [--model DIR] [--tokens N] [--batches 1,2,4]</c>: the runtime's own batch scaling, with no SDK code:
/// one raw Generator with <c>batch_size</c> B over B equal-length prompts, timing the prefill and each decode step.
/// The decode tokens/s of batch B over batch 1 is the ceiling any batching scheduler can reach on this machine.
/// </summary>
internal sealed class BatchScalingBenchmark : IBenchmark
{
    public string Name => "batchscaling";

    public string Description => "raw Generator decode tokens/s at batch_size 1/2/4/8: the runtime's batching ceiling (mini-int4; --quick: tiny)";

    public Task RunAsync(BenchmarkContext context)
    {
        var models = Resolve(context);
        int tokens = int.Parse(context.Option("--tokens", context.Quick ? "64" : "24"), CultureInfo.InvariantCulture);
        int promptLength = int.Parse(context.Option("--prompt", "32"), CultureInfo.InvariantCulture);
        int[] batches = [.. context.Option("--batches", "1,2,4,8").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
        var output = context.Output;
        using var config = RuntimeTuning.ForFolder(models.Folder).CreateConfig(models.Folder);
        using var model = new Model(config);
        int[] prompt = Prompt(promptLength);
        Run(model, prompt, 1, 4);

        output.WriteLine(F($"{tokens} decode steps after a {prompt.Length}-token prompt per sequence; step times are medians"));
        output.WriteLine("| batch size | prefill s | decode ms/step | decode tokens/s | ratio to batch 1 |");
        output.WriteLine("|---|---|---|---|---|");
        double single = 0;
        foreach (int batch in batches)
        {
            var (prefill, step) = Run(model, prompt, batch, tokens);
            double rate = batch / step;
            if (batch == batches[0])
            {
                single = rate / batch;
            }

            output.WriteLine(F($"| {batch} | {prefill:F2} | {step * 1000:F1} | {rate:F2} | {rate / single:F2} |"));
        }

        return Task.CompletedTask;
    }

    private static (double PrefillSeconds, double StepSeconds) Run(Model model, int[] prompt, int batch, int tokens)
    {
        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("batch_size", batch);
        parameters.SetSearchOption("max_length", prompt.Length + tokens + 1);
        using var generator = new Generator(model, parameters);
        int[] all = [.. Enumerable.Repeat(prompt, batch).SelectMany(p => p)];
        var watch = Stopwatch.StartNew();
        generator.AppendTokens(all);
        generator.GenerateNextToken();
        double prefill = watch.Elapsed.TotalSeconds;
        var steps = new List<double>();
        for (int i = 0; i < tokens && !generator.IsDone(); i++)
        {
            watch.Restart();
            generator.GenerateNextToken();
            steps.Add(watch.Elapsed.TotalSeconds);
        }

        steps.Sort();
        return (prefill, steps[steps.Count / 2]);
    }
}
