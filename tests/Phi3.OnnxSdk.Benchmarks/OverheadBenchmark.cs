using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntimeGenAI;
using static Phi3.OnnxSdk.Benchmarks.BenchModels;

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
        double rawSeconds = 0, sdkSeconds = 0;
        long rawBytes = 0, sdkBytes = 0, rawTokens = 0, sdkTokens = 0;
        for (int i = 0; i < reps; i++)
        {
            // Alternate which goes first, so drift in machine load hits both equally.
            for (int side = 0; side < 2; side++)
            {
                bool rawTurn = (side == 0) == (i % 2 == 0);
                long before = GC.GetTotalAllocatedBytes(precise: true);
                var watch = Stopwatch.StartNew();
                int n = rawTurn
                    ? rawOnNewThread
                        ? await Task.Factory.StartNew(() => Raw(model.Model, model.Tokenizer, prompt, tokens), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
                        : Raw(model.Model, model.Tokenizer, prompt, tokens)
                    : await StreamAsync(client, messages, options);
                double seconds = watch.Elapsed.TotalSeconds;
                long bytes = GC.GetTotalAllocatedBytes(precise: true) - before;
                (rawTurn ? raw : sdk).Add(n / seconds);
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
        }

        output.WriteLine(F($"{reps} runs each of {tokens} tokens after a {prompt.Length}-token prompt (prefill included), alternating"));
        output.WriteLine("| path | median tokens/s | total tokens/s | bytes allocated per token |");
        output.WriteLine("|---|---|---|---|");
        output.WriteLine(F($"| raw Generator loop + TokenizerStream | {Median(raw):F2} | {rawTokens / rawSeconds:F2} | {(double)rawBytes / rawTokens:F0} |"));
        output.WriteLine(F($"| Phi3ChatClient.GetStreamingResponseAsync | {Median(sdk):F2} | {sdkTokens / sdkSeconds:F2} | {(double)sdkBytes / sdkTokens:F0} |"));
        output.WriteLine(F($"ratio client/raw: median {Median(sdk) / Median(raw):F4}, total {sdkTokens / sdkSeconds / (rawTokens / rawSeconds):F4}; per-run spread of raw {(raw.Max() - raw.Min()) / Median(raw):P1}"));
    }

    private static int Raw(Model model, Tokenizer tokenizer, int[] prompt, int tokens)
    {
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
            chars += stream.Decode(generator.GetNextTokens()[0]).Length;
            n++;
        }

        GC.KeepAlive(chars);
        return n;
    }

    private static async Task<int> StreamAsync(IChatClient client, IEnumerable<ChatMessage> messages, ChatOptions options)
    {
        int count = 0;
        await foreach (var update in client.GetStreamingResponseAsync(messages, options))
        {
            foreach (var usage in update.Contents.OfType<UsageContent>())
            {
                count = (int)usage.Details.OutputTokenCount!.Value;
            }
        }

        return count;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
