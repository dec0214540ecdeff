using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.Runtime;
using Phi3.OnnxSdk.Runtime.Batching;
using static Phi3.OnnxSdk.Benchmarks.BenchModels;

namespace Phi3.OnnxSdk.Benchmarks;

/// <summary>
/// <c>concurrency [--model DIR] [--tokens N] [--requests 1,2,4,8] [--max-batch N]</c>: aggregate tokens/s of concurrent
/// requests through each batching scheduler (the client's batched Generator and onnxruntime-genai's engine) and through
/// <see cref="Phi3ChatClient"/>, against single requests run one after another with the raw Generator.
/// </summary>
internal sealed class ConcurrencyBenchmark : IBenchmark
{
    public string Name => "concurrency";

    public string Description => "aggregate tokens/s for 1/2/4/8 concurrent requests (batched Generator, engine, client) vs sequential single requests (mini-int4; --quick: tiny)";

    public async Task RunAsync(BenchmarkContext context)
    {
        var models = Resolve(context);
        int tokens = int.Parse(context.Option("--tokens", context.Quick ? "128" : "32"), CultureInfo.InvariantCulture);
        var output = context.Output;
        int[][] prompts = [.. Enumerable.Range(0, 8).Select(i => Prompt(24 + (3 * i), i))];

        // Batches of up to 8 by default, so 8 concurrent requests share one batch (onnxruntime-genai's engine default is 4).
        int maxBatch = int.Parse(context.Option("--max-batch", "8"), CultureInfo.InvariantCulture);
        int[] counts = [.. context.Option("--requests", "1,2,4,8").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
        using var config = (RuntimeTuning.Default with { MaxBatchSize = maxBatch }).CreateConfig(models.Folder);
        using var engineModel = new Phi3Model(models.Folder, config);
        var model = engineModel.NativeModel;

        // Baseline: single requests, one after another, raw Generator loop (prefill included, as for the batch).
        int sequentialRequests = context.Quick ? 8 : 3;
        var watch = Stopwatch.StartNew();
        long generated = 0;
        long decoded = 0;
        double decodeTime = 0;
        for (int i = 0; i < sequentialRequests; i++)
        {
            var (count, afterFirst, afterFirstSeconds) = Single(model, prompts[i], tokens);
            generated += count;
            decoded += afterFirst;
            decodeTime += afterFirstSeconds;
        }

        double single = generated / watch.Elapsed.TotalSeconds;
        double singleDecode = decoded / decodeTime;
        output.WriteLine(F($"sequential single requests ({sequentialRequests} x {tokens} tokens, raw Generator): {single:F2} tokens/s, prefill included; {singleDecode:F2} tokens/s after the first token"));

        output.WriteLine("| scheduler | concurrent requests | aggregate tokens/s | ratio to sequential single | time to all done s | decode-phase tokens/s after every first token (ratio to single) |");
        output.WriteLine("|---|---|---|---|---|---|");
        var schedulers = new (string Name, Func<IBatchScheduler> Create)[]
        {
            ("batched Generator (the client's)", () => new GeneratorBatchScheduler(engineModel, models.ContextLength, 32000, [32000, 32001, 32007], maxBatch)),
            ("onnxruntime-genai Engine", () => BatchingScheduler.Create(engineModel)),
        };
        foreach (var (name, create) in schedulers)
        {
            using var scheduler = create();
            foreach (int n in counts)
            {
                watch.Restart();
                var generations = prompts.Take(n).Select(p => scheduler.Submit(new BatchRequest(p, tokens))).ToList();
                var times = new List<double>[n];
                await Task.WhenAll(generations.Select(async (g, i) =>
                {
                    times[i] = [];
                    await foreach (int _ in g.Tokens.ReadAllAsync())
                    {
                        times[i].Add(watch.Elapsed.TotalSeconds);
                    }
                }));
                output.WriteLine(F($"| {name} | {n} | {Row(times, watch.Elapsed.TotalSeconds, single, singleDecode)} |"));
            }
        }

        // The same through Phi3ChatClient: 4 concurrent streaming chat requests, batching off and on.
        using var phi3 = new Phi3Model(models.Folder);
        foreach (bool batching in new[] { false, true })
        {
            using var client = new Phi3ChatClient(phi3, new Phi3ChatClientOptions { EnableKvReuse = false, EnableBatching = batching, MaxConcurrentGenerations = 4 });
            var options = new ChatOptions { MaxOutputTokens = tokens };
            watch.Restart();
            var times = new List<double>[4];
            await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
            {
                times[i] = [];
                await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, $"Story {i}: tell me about lighthouse number {i * 17}.")], options))
                {
                    // One text update per generated token, as a rule (a split multi-byte character joins two).
                    if (update.Text.Length > 0)
                    {
                        times[i].Add(watch.Elapsed.TotalSeconds);
                    }
                }
            })));
            output.WriteLine(F($"| Phi3ChatClient, batching {(batching ? "on" : "off")} ({client.BatchedGenerations} of 4 batched) | 4 | {Row(times, watch.Elapsed.TotalSeconds, single, singleDecode)} |"));
        }
    }

    /// <summary>Aggregate figures of one concurrent run from each request's token arrival times.</summary>
    private static string Row(List<double>[] times, double seconds, double single, double singleDecode)
    {
        long count = times.Sum(t => (long)t.Count);

        // Decode phase: from the moment the last request got its first token (every prefill done) to the end.
        double output0 = times.Max(t => t[0]);
        double decodeSeconds = times.Max(t => t[^1]) - output0;
        double decodeTokens = times.Sum(t => t.Count(at => at > output0));
        return F($"{count / seconds:F2} | {count / seconds / single:F2} | {seconds:F1} | {decodeTokens / decodeSeconds:F2} ({decodeTokens / decodeSeconds / singleDecode:F2})");
    }

    private static (int Count, int AfterFirst, double AfterFirstSeconds) Single(Model model, int[] prompt, int tokens)
    {
        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("max_length", prompt.Length + tokens);
        using var generator = new Generator(model, parameters);
        generator.AppendTokens(prompt);
        int count = 0;
        var watch = new Stopwatch();
        while (!generator.IsDone())
        {
            generator.GenerateNextToken();
            if (count++ == 0)
            {
                watch.Start();
            }
        }

        return (count, count - 1, watch.Elapsed.TotalSeconds);
    }
}
