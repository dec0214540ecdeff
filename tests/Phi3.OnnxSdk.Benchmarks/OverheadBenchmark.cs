using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntimeGenAI;
using static Phi3.OnnxSdk.Benchmarks.BenchModels;
using static Phi3.OnnxSdk.Benchmarks.Statistics;

namespace Phi3.OnnxSdk.Benchmarks;

/// <summary>
/// <c>overhead [--model DIR] [--tokens N] [--reps R]</c>: <see cref="Phi3ChatClient"/> streaming tokens/s against
/// the raw onnxruntime-genai Generator loop (with TokenizerStream decoding) on the same prompt and model,
/// alternating, and managed bytes allocated per token. KV reuse is off so every client run prefills like the raw loop.
/// </summary>
internal sealed class OverheadBenchmark : IBenchmark
{
    public string Name => "overhead";

    public string Description => "client streaming tokens/s vs the raw Generator loop, bytes allocated per token (mini-int4; --quick: tiny)";

    public async Task RunAsync(BenchmarkContext context)
    {
        var models = Resolve(context);
        int tokens = int.Parse(context.Option("--tokens", context.Quick ? "256" : "64"), CultureInfo.InvariantCulture);
        int reps = int.Parse(context.Option("--reps", context.Quick ? "9" : "4"), CultureInfo.InvariantCulture);
        // "--raw-thread new" runs each raw loop on a fresh dedicated thread, as the client runs each generation.
        bool rawOnNewThread = context.Option("--raw-thread", "caller") == "new";
        var output = context.Output;
        using var model = new Phi3Model(models.Folder);
        using var client = new Phi3ChatClient(model, new Phi3ChatClientOptions { EnableKvReuse = false, MaxConcurrentGenerations = 1 });
        var messages = new[] { new ChatMessage(ChatRole.User, "Tell me a long story about a lighthouse keeper.") };
        int[] prompt;
        using (var sequences = model.Tokenizer.Encode("<|user|>\nTell me a long story about a lighthouse keeper.<|end|>\n<|assistant|>\n"))
        {
            prompt = sequences[0].ToArray();
        }

        // Greedy output never hits an end token early here; both sides must generate the same count.
        var options = new ChatOptions { MaxOutputTokens = tokens };
        Raw(model.Model, model.Tokenizer, prompt, 8);
        await StreamAsync(client, messages, new ChatOptions { MaxOutputTokens = 8 });

        var raw = new List<double>();
        var sdk = new List<double>();
        var rawSteps = new List<double>();
        var sdkSteps = new List<double>();
        var stepRatios = new List<double>();
        var firstRatios = new List<double>();
        var pairRatios = new List<double>();
        double rawSeconds = 0, sdkSeconds = 0;
        long rawBytes = 0, sdkBytes = 0, rawTokens = 0, sdkTokens = 0;
        for (int i = 0; i < reps; i++)
        {
            // Alternate which goes first, so drift in machine load hits both equally.
            var rawPieces = new List<double>();
            var sdkPieces = new List<double>();
            double pairRaw = 0, pairSdk = 0;
            for (int side = 0; side < 2; side++)
            {
                bool rawTurn = (side == 0) == (i % 2 == 0);
                long before = GC.GetTotalAllocatedBytes(precise: true);
                var watch = Stopwatch.StartNew();
                int n = rawTurn
                    ? rawOnNewThread
                        ? await Task.Factory.StartNew(() => Raw(model.Model, model.Tokenizer, prompt, tokens, rawPieces), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
                        : Raw(model.Model, model.Tokenizer, prompt, tokens, rawPieces)
                    : await StreamAsync(client, messages, options, sdkPieces);
                double seconds = watch.Elapsed.TotalSeconds;
                long bytes = GC.GetTotalAllocatedBytes(precise: true) - before;
                (rawTurn ? raw : sdk).Add(n / seconds);
                if (rawTurn)
                {
                    pairRaw = n / seconds;
                }
                else
                {
                    pairSdk = n / seconds;
                }

                if (rawTurn)
                {
                    rawSeconds += seconds;
                    rawBytes += bytes;
                    rawTokens += n;
                }
                else
                {
                    sdkSeconds += seconds;
                    sdkBytes += bytes;
                    sdkTokens += n;
                }
            }

            // Per-pair figures: the typical interval between streamed pieces (one decode step each, as a rule), robust
            // to a burst of load on this shared VM, the time to the first piece (prefill), and the whole run.
            var rawIntervals = Intervals(rawPieces);
            var sdkIntervals = Intervals(sdkPieces);
            rawSteps.AddRange(rawIntervals);
            sdkSteps.AddRange(sdkIntervals);
            stepRatios.Add(Median(rawIntervals) / Median(sdkIntervals));
            firstRatios.Add(rawPieces[0] / sdkPieces[0]);
            pairRatios.Add(pairSdk / pairRaw);
        }

        output.WriteLine(F($"{reps} runs each of {tokens} tokens after a {prompt.Length}-token prompt (prefill included), alternating"));
        output.WriteLine("| path | median tokens/s | total tokens/s | bytes allocated per token |");
        output.WriteLine("|---|---|---|---|");
        output.WriteLine(F($"| raw Generator loop + TokenizerStream | {Median(raw):F2} | {rawTokens / rawSeconds:F2} | {(double)rawBytes / rawTokens:F0} |"));
        output.WriteLine(F($"| Phi3ChatClient.GetStreamingResponseAsync | {Median(sdk):F2} | {sdkTokens / sdkSeconds:F2} | {(double)sdkBytes / sdkTokens:F0} |"));
        output.WriteLine(F($"ratio client/raw: median {Median(sdk) / Median(raw):F4}, total {sdkTokens / sdkSeconds / (rawTokens / rawSeconds):F4}; per-run spread of raw {(raw.Max() - raw.Min()) / Median(raw):P1}"));
        output.WriteLine(F($"paired (raw and client back to back, {reps} pairs), client/raw speed, median [quartiles]:"));
        output.WriteLine(F($"  whole run tokens/s:           {Median(pairRatios):F4} [{Quantile(pairRatios, 0.25):F4}, {Quantile(pairRatios, 0.75):F4}]"));
        output.WriteLine(F($"  decode step (piece interval): {Median(stepRatios):F4} [{Quantile(stepRatios, 0.25):F4}, {Quantile(stepRatios, 0.75):F4}]; pooled median step raw {Median(rawSteps) * 1000:F3} ms, client {Median(sdkSteps) * 1000:F3} ms, ratio {Median(rawSteps) / Median(sdkSteps):F4}"));
        output.WriteLine(F($"  time to first piece:          {Median(firstRatios):F4} [{Quantile(firstRatios, 0.25):F4}, {Quantile(firstRatios, 0.75):F4}]"));
    }

    private static int Raw(Model model, Tokenizer tokenizer, int[] prompt, int tokens, List<double>? pieces = null)
    {
        var watch = Stopwatch.StartNew();
        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("max_length", prompt.Length + tokens);
        using var generator = new Generator(model, parameters);
        using var stream = tokenizer.CreateStream();
        generator.AppendTokens(prompt);
        int n = 0;
        long chars = 0;
        while (n < tokens && !generator.IsDone())
        {
            generator.GenerateNextToken();
            string text = stream.Decode(generator.GetNextTokens()[0]);
            if (text.Length > 0)
            {
                pieces?.Add(watch.Elapsed.TotalSeconds);
            }

            chars += text.Length;
            n++;
        }

        GC.KeepAlive(chars);
        return n;
    }

    private static async Task<int> StreamAsync(IChatClient client, IEnumerable<ChatMessage> messages, ChatOptions options, List<double>? pieces = null)
    {
        int count = 0;
        var watch = Stopwatch.StartNew();
        await foreach (var update in client.GetStreamingResponseAsync(messages, options))
        {
            if (update.Text.Length > 0)
            {
                pieces?.Add(watch.Elapsed.TotalSeconds);
            }

            foreach (var usage in update.Contents.OfType<UsageContent>())
            {
                count = (int)usage.Details.OutputTokenCount!.Value;
            }
        }

        return count;
    }

    private static List<double> Intervals(List<double> times) => [.. times.Skip(1).Select((t, i) => t - times[i])];
}
