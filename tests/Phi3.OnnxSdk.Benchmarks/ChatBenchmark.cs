using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.SyntheticModels;
using static Phi3.OnnxSdk.Benchmarks.Statistics;

namespace Phi3.OnnxSdk.Benchmarks;

/// <summary>
/// Phi3ChatClient against a raw onnxruntime-genai Generator loop on the same model and prompt: tokens/s ratio,
/// allocated bytes per token, and time to first token of a new turn after a ~2,000-token history with and without KV reuse.
/// </summary>
internal sealed class ChatBenchmark : IBenchmark
{
    public string Name => "chat";

    public string Description => "Phi3ChatClient streaming vs raw Generator loop; TTFT with/without KV reuse (--model <folder>)";

    public async Task RunAsync(BenchmarkContext context)
    {
        var output = context.Output;
        string folder = context.Option("--model", string.Empty) is { Length: > 0 } given ? given : TestModelCache.GetOrBuild("tiny");
        int tokens = int.Parse(context.Option("--tokens", context.Quick ? "256" : "128"), System.Globalization.CultureInfo.InvariantCulture);
        int reps = context.Quick ? 5 : 3;
        output.WriteLine($"model: {folder}");
        using var model = new Phi3Model(folder);
        var messages = new[] { new ChatMessage(ChatRole.User, "Tell me a long story about a lighthouse keeper.") };
        var options = new ChatOptions { MaxOutputTokens = tokens };

        using var client = new Phi3ChatClient(model, new Phi3ChatClientOptions { EnableKvReuse = false });
        int[] prompt = EncodePrompt(model, "<|user|>\nTell me a long story about a lighthouse keeper.<|end|>\n<|assistant|>\n");

        // Warm-up both paths.
        RawLoop(model, prompt, 16);
        await StreamAsync(client, messages, new ChatOptions { MaxOutputTokens = 16 });

        var raw = new List<double>();
        var sdk = new List<double>();
        long rawBytes = 0, sdkBytes = 0;
        for (int i = 0; i < reps; i++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            var sw = Stopwatch.StartNew();
            int n = RawLoop(model, prompt, tokens);
            raw.Add(n / sw.Elapsed.TotalSeconds);
            rawBytes += GC.GetTotalAllocatedBytes(precise: true) - before;

            before = GC.GetTotalAllocatedBytes(precise: true);
            sw.Restart();
            int m = await StreamAsync(client, messages, options);
            sdk.Add(m / sw.Elapsed.TotalSeconds);
            sdkBytes += GC.GetTotalAllocatedBytes(precise: true) - before;
        }

        double rawMedian = Median(raw), sdkMedian = Median(sdk);
        output.WriteLine($"tokens per run: {tokens}, runs: {reps} (alternating; median; prefill included)");
        output.WriteLine($"raw Generator loop:            {rawMedian,10:F1} tokens/s, {rawBytes / (double)(reps * tokens),8:F0} B allocated/token");
        output.WriteLine($"GetStreamingResponseAsync:     {sdkMedian,10:F1} tokens/s, {sdkBytes / (double)(reps * tokens),8:F0} B allocated/token");
        output.WriteLine($"ratio streaming/raw:           {sdkMedian / rawMedian,10:F3}");

        // Time to first token of a new turn after a ~2,000-token history.
        var history = BuildHistory(model, 2000);
        foreach (bool reuse in new[] { false, true })
        {
            var ttft = new List<double>();
            for (int i = 0; i < reps; i++)
            {
                using var turnClient = new Phi3ChatClient(model, new Phi3ChatClientOptions { EnableKvReuse = reuse });
                var conversation = new List<ChatMessage>(history);
                var previous = await turnClient.GetResponseAsync(conversation, new ChatOptions { MaxOutputTokens = 32 });
                conversation.AddMessages(previous);
                conversation.Add(new ChatMessage(ChatRole.User, "And then what did the keeper do?"));
                var sw = Stopwatch.StartNew();
                await foreach (var update in turnClient.GetStreamingResponseAsync(conversation, new ChatOptions { MaxOutputTokens = 1 }))
                {
                    if (update.Text.Length > 0 || update.FinishReason is not null)
                    {
                        break;
                    }
                }

                ttft.Add(sw.Elapsed.TotalMilliseconds);
                if (i == 0)
                {
                    output.WriteLine($"history prompt: {previous.Usage!.InputTokenCount} tokens; reuse {(reuse ? "on " : "off")}: reused {turnClient.ReusedTokens} tokens over both requests");
                }
            }

            output.WriteLine($"TTFT new turn, KV reuse {(reuse ? "on " : "off")}: {Median(ttft),8:F1} ms (median of {reps})");
        }
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

    private static int RawLoop(Phi3Model model, int[] prompt, int tokens)
    {
        using var parameters = new GeneratorParams(model.Model);
        parameters.SetSearchOption("max_length", prompt.Length + tokens);
        using var generator = new Generator(model.Model, parameters);
        using var stream = model.Tokenizer.CreateStream();
        generator.AppendTokens(prompt);
        int n = 0;
        var text = new StringBuilder();
        while (n < tokens && !generator.IsDone())
        {
            generator.GenerateNextToken();
            text.Append(stream.Decode(generator.GetNextTokens()[0]));
            n++;
        }

        return n;
    }

    private static int[] EncodePrompt(Phi3Model model, string text)
    {
        using var sequences = model.Tokenizer.Encode(text);
        return sequences[0].ToArray();
    }

    private static List<ChatMessage> BuildHistory(Phi3Model model, int targetTokens)
    {
        const string Paragraph = "The keeper climbed the spiral stairs each evening, trimmed the wick, polished the great lens and watched the ships pass the reef. ";
        int perParagraph = EncodePrompt(model, Paragraph).Length;
        var history = new List<ChatMessage> { new(ChatRole.System, "You are a storyteller.") };
        int total = 0;
        for (int turn = 0; total < targetTokens; turn++)
        {
            var text = new StringBuilder();
            for (int i = 0; i < 4; i++)
            {
                text.Append(Paragraph);
            }

            history.Add(new ChatMessage(turn % 2 == 0 ? ChatRole.User : ChatRole.Assistant, text.ToString()));
            total += 4 * perParagraph;
        }

        if (history[^1].Role == ChatRole.Assistant)
        {
            history.Add(new ChatMessage(ChatRole.User, "Continue."));
        }

        return history;
    }
}
