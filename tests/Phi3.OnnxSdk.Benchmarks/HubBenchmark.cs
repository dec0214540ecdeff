namespace Phi3.OnnxSdk.Benchmarks;

/// <summary>
/// <c>hub [--part plain|capped|uncapped|all] [--size-mb N] [--runs N] [--dir PATH] [--cap-mbps N] [--connections N] [--sweep 1,2,4,8]</c>:
/// the SDK against a plain HttpClient copy (<see cref="HubDownloadBenchmark"/>), then ranged downloads against one
/// connection, capped per connection and uncapped (<see cref="HubRangedBenchmark"/>).
/// </summary>
internal sealed class HubBenchmark : IBenchmark
{
    private static readonly string[] PlainOptions = ["--size-mb", "--runs", "--dir"];

    public string Name => "hub";

    public string Description => "Hugging Face download from a loopback fake hub: vs a plain HttpClient copy, and ranged connections vs one, capped at 50 MB/s per connection and uncapped (--quick: 128 MiB, 1 run)";

    public async Task RunAsync(BenchmarkContext context)
    {
        IReadOnlyList<string> arguments = context.Quick ? ["--size-mb", "128", "--runs", "1", .. context.Arguments] : context.Arguments;
        var part = context.Option("--part", "all");
        if (part is not ("plain" or "capped" or "uncapped" or "all"))
        {
            throw new ArgumentException($"--part must be plain, capped, uncapped or all, not '{part}'.");
        }

        if (part is "plain" or "all" && context.Option("--sweep", string.Empty).Length == 0)
        {
            var plain = new List<string>();
            for (var i = 0; i + 1 < arguments.Count; i += 2)
            {
                if (PlainOptions.Contains(arguments[i]))
                {
                    plain.AddRange([arguments[i], arguments[i + 1]]);
                }
            }

            Console.WriteLine("### the SDK (default connections, uncapped) vs a plain HttpClient copy");
            Check(await HubDownloadBenchmark.RunAsync([.. plain]).ConfigureAwait(false));
        }

        if (part is "capped" or "uncapped" or "all")
        {
            Console.WriteLine("### ranged connections vs one connection");
            Check(await HubRangedBenchmark.RunAsync(arguments, capped: part is "capped" or "all", uncapped: part is "uncapped" or "all").ConfigureAwait(false));
        }
    }

    private static void Check(int code)
    {
        if (code != 0)
        {
            throw new ArgumentException($"The hub benchmark rejected its arguments (exit {code}).");
        }
    }
}
