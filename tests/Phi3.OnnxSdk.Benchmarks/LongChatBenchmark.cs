using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.Chat;
using Phi3.OnnxSdk.Runtime;
using static Phi3.OnnxSdk.Benchmarks.BenchModels;

namespace Phi3.OnnxSdk.Benchmarks;

/// <summary>
/// <c>longchat [--model DIR] [--histories 0,1024,...] [--package-max N]</c> (the package client only up to N history tokens): time to first token of a new turn after a history
/// of N tokens: <see cref="Phi3ChatClient"/> with KV reuse, without it (a fresh prefill), and the
/// package's <see cref="OnnxRuntimeGenAIChatClient"/>, all on one loaded model. The reuse client first answers
/// the history (8 tokens, which it caches); the timed request, the same for all three, adds that answer and a
/// new user message.
/// </summary>
internal sealed class LongChatBenchmark : IBenchmark
{
    public string Name => "longchat";

    public string Description => "TTFT of a new turn after 0/1K/4K/16K-token histories: reuse on, reuse off, OnnxRuntimeGenAIChatClient (mini-int4; --quick: tiny, 0/1K/3K)";

    public async Task RunAsync(BenchmarkContext context)
    {
        var models = Resolve(context);
        int[] histories = [.. context.Option("--histories", context.Quick ? "0,1024,3000" : "0,1024,4096,16384").Split(',').Select(h => int.Parse(h, CultureInfo.InvariantCulture))];
        int packageMax = int.Parse(context.Option("--package-max", int.MaxValue.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var output = context.Output;
        using var model = new Phi3Model(models.Folder);

        output.WriteLine("| history tokens (prompt) | reuse on ms | reuse off (fresh prefill) ms | OnnxRuntimeGenAIChatClient ms | off / on | on / on at 0 |");
        output.WriteLine("|---|---|---|---|---|---|");
        // Warm-up (JIT, first native calls), not reported.
        using (var warm = new Phi3ChatClient(model))
        using (var warmPackage = new OnnxRuntimeGenAIChatClient(model.Model, ownsModel: false, new OnnxRuntimeGenAIChatClientOptions { PromptFormatter = FormatPhi3 }))
        {
            await TimeToFirstTokenAsync(warm, [new ChatMessage(ChatRole.User, "Hello!")]);
            await TimeToFirstTokenAsync(warmPackage, [new ChatMessage(ChatRole.User, "Hello!")]);
        }

        double? zero = null;
        foreach (int target in histories)
        {
            var conversation = BuildHistory(model, target);
            double on, off, og;
            long prompt;

            // Reuse on: the client answers the history first (that is what it caches), then the timed new turn.
            // Each client is disposed before the next runs, so only one KV cache of this size is alive at a time (a 16K
            // mini-int4 cache is 12.6 GB of fp32 KV; the client keeps its most recent cache even beyond its byte budget).
            using (var reuse = new Phi3ChatClient(model, new Phi3ChatClientOptions { EnableKvReuse = true, MaxConcurrentGenerations = 1 }))
            {
                if (conversation.Count > 0)
                {
                    conversation.AddMessages(await reuse.GetResponseAsync(conversation, new ChatOptions { MaxOutputTokens = 8 }));
                }

                conversation.Add(new ChatMessage(ChatRole.User, "And then what did the keeper do?"));
                (on, prompt) = await TimeToFirstTokenAsync(reuse, conversation);
            }

            // The others keep nothing between requests, so the same conversation is a fresh prefill for them.
            using (var fresh = new Phi3ChatClient(model, new Phi3ChatClientOptions { EnableKvReuse = false, MaxConcurrentGenerations = 1 }))
            {
                (off, _) = await TimeToFirstTokenAsync(fresh, conversation);
            }

            og = double.NaN;
            if (target <= packageMax)
            {
                using var package = new OnnxRuntimeGenAIChatClient(model.Model, ownsModel: false, new OnnxRuntimeGenAIChatClientOptions { PromptFormatter = FormatPhi3 });
                (og, _) = await TimeToFirstTokenAsync(package, conversation);
            }

            zero ??= on;
            output.WriteLine(F($"| {target} ({prompt}) | {on:F0} | {off:F0} | {og:F0} | {off / on:F1} | {on / zero.Value:F2} |"));
        }
    }

    private static async Task<(double Milliseconds, long PromptTokens)> TimeToFirstTokenAsync(IChatClient client, List<ChatMessage> conversation)
    {
        long promptTokens = 0;
        var watch = Stopwatch.StartNew();
        double first = double.NaN;
        await foreach (var update in client.GetStreamingResponseAsync(conversation, new ChatOptions { MaxOutputTokens = 2 }))
        {
            if (double.IsNaN(first) && (update.Text.Length > 0 || update.FinishReason is not null))
            {
                first = watch.Elapsed.TotalMilliseconds;
            }

            foreach (var usage in update.Contents.OfType<UsageContent>())
            {
                promptTokens = usage.Details.InputTokenCount ?? 0;
            }
        }

        return (double.IsNaN(first) ? watch.Elapsed.TotalMilliseconds : first, promptTokens);
    }

    private static string FormatPhi3(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var text = new StringBuilder();
        foreach (var message in messages)
        {
            text.Append(CultureInfo.InvariantCulture, $"<|{message.Role.Value}|>\n{message.Text}<|end|>\n");
        }

        return text.Append("<|assistant|>\n").ToString();
    }

    private static List<ChatMessage> BuildHistory(Phi3Model model, int targetTokens)
    {
        var history = new List<ChatMessage>();
        if (targetTokens == 0)
        {
            return history;
        }

        const string Paragraph = "The keeper climbed the spiral stairs each evening, trimmed the wick, polished the great lens and watched the ships pass the reef. ";
        int perParagraph;
        using (var sequences = model.Tokenizer.Encode(Paragraph))
        {
            perParagraph = sequences[0].Length;
        }

        history.Add(new ChatMessage(ChatRole.System, "You are a storyteller."));
        int tokens = 8;
        for (int turn = 0; tokens < targetTokens; turn++)
        {
            var text = new StringBuilder();
            for (int p = 0; p < 4 && tokens < targetTokens; p++, tokens += perParagraph)
            {
                text.Append(Paragraph);
            }

            history.Add(new ChatMessage(turn % 2 == 0 ? ChatRole.User : ChatRole.Assistant, text.ToString()));
            tokens += 3;
        }

        if (history[^1].Role == ChatRole.Assistant)
        {
            history.Add(new ChatMessage(ChatRole.User, "Continue."));
        }

        return history;
    }
}
