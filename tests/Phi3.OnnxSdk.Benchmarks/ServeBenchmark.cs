using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using Phi3.OnnxSdk.Server.Hosting;
using static Phi3.OnnxSdk.Benchmarks.BenchModels;
using static Phi3.OnnxSdk.Benchmarks.Statistics;

namespace Phi3.OnnxSdk.Benchmarks;

/// <summary>
/// <c>serve [--model DIR] [--tokens N] [--reps R]</c>: streaming tokens/s through <c>phi3 serve</c> (<see cref="Phi3Server"/> on
/// loopback, the official OpenAI client streaming server-sent events) against the in-process client, on one loaded model
/// and one <see cref="Phi3ChatClient"/>; then 4 concurrent HTTP streams against 4 concurrent in-process streams. Paired
/// runs, alternating which side goes first; the medians of the per-pair ratios. Goals: 0.97 (one stream), 0.95 (four).
/// </summary>
internal sealed class ServeBenchmark : IBenchmark
{
    private static readonly string[] s_prompts =
    [
        "Tell me a long story about a lighthouse keeper.",
        "Describe a journey across the sea in detail.",
        "Write a long letter to a friend about the mountains.",
        "Explain how a steam engine works, step by step.",
    ];

    public string Name => "serve";

    public string Description => "streaming tokens/s through phi3 serve (HTTP + SSE, OpenAI client) vs the in-process client, 1 and 4 concurrent (mini-int4; --quick: tiny)";

    public async Task RunAsync(BenchmarkContext context)
    {
        var models = Resolve(context);
        int tokens = int.Parse(context.Option("--tokens", context.Quick ? "128" : "64"), CultureInfo.InvariantCulture);
        int reps = int.Parse(context.Option("--reps", context.Quick ? "3" : "6"), CultureInfo.InvariantCulture);
        var output = context.Output;
        using var model = new Phi3Model(models.Folder);
        using var client = new Phi3ChatClient(model, new Phi3ChatClientOptions { EnableKvReuse = false, MaxConcurrentGenerations = 4 });
        // phi3 serve as it runs (its pipeline, limits and logging), over this client; logging off, as the in-process side has none.
        var serveOptions = new Phi3ServerOptions { Port = 0, Output = TextWriter.Null, ConfigureLogging = _ => { } };
        serveOptions.Endpoints.MaxConcurrentRequests = 4;
        serveOptions.Model.ChatClient.ModelId = "phi3";
        await using var server = await Phi3Server.StartAsync(client, serveOptions);
        var http = new ChatClient(
            "phi3",
            new ApiKeyCredential("unused"),
            new OpenAIClientOptions { Endpoint = new Uri(server.Url, "v1"), RetryPolicy = new ClientRetryPolicy(0), NetworkTimeout = TimeSpan.FromMinutes(10) });

        // Warm both paths (JIT, first-request memory, the HTTP connection pool).
        await InProcessAsync(client, s_prompts[0], 8);
        await OverHttpAsync(http, s_prompts[0], 8);
        output.WriteLine(F($"{reps} pairs of {tokens}-token greedy streams (prefill included), alternating which side goes first; one Phi3ChatClient, KV reuse off"));
        foreach (int concurrent in new[] { 1, 4 })
        {
            var local = new List<double>();
            var served = new List<double>();
            var ratios = new List<double>();
            for (int i = 0; i < reps; i++)
            {
                double localRate = 0, servedRate = 0;
                for (int side = 0; side < 2; side++)
                {
                    bool localTurn = (side == 0) == (i % 2 == 0);
                    var watch = Stopwatch.StartNew();
                    var counts = await Task.WhenAll(s_prompts.Take(concurrent).Select(p => localTurn ? InProcessAsync(client, p, tokens) : OverHttpAsync(http, p, tokens)));
                    double rate = counts.Sum() / watch.Elapsed.TotalSeconds;
                    if (localTurn)
                    {
                        localRate = rate;
                    }
                    else
                    {
                        servedRate = rate;
                    }
                }

                local.Add(localRate);
                served.Add(servedRate);
                ratios.Add(servedRate / localRate);
            }

            output.WriteLine(F($"| {concurrent} concurrent | in-process {Median(local):F2} tokens/s | phi3 serve {Median(served):F2} tokens/s | served/in-process: median {Median(ratios):F4} [{Quantile(ratios, 0.25):F4}, {Quantile(ratios, 0.75):F4}] | goal {(concurrent == 1 ? 0.97 : 0.95):F2} |"));
        }
    }

    private static async Task<int> InProcessAsync(IChatClient client, string prompt, int tokens)
    {
        long count = 0;
        await foreach (var update in client.GetStreamingResponseAsync(prompt, new ChatOptions { MaxOutputTokens = tokens, Temperature = 0 }))
        {
            count = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details.OutputTokenCount ?? count;
        }

        return (int)count;
    }

    private static async Task<int> OverHttpAsync(ChatClient http, string prompt, int tokens)
    {
        int count = 0;
        await foreach (var update in http.CompleteChatStreamingAsync([new UserChatMessage(prompt)], new ChatCompletionOptions { MaxOutputTokenCount = tokens, Temperature = 0 }))
        {
            count = update.Usage?.OutputTokenCount ?? count;
        }

        return count;
    }
}
