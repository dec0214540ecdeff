namespace Phi3.OnnxSdk.Benchmarks;

/// <summary><c>hub [--size-mb N] [--runs N] [--dir PATH]</c>: see <see cref="HubDownloadBenchmark"/>.</summary>
internal sealed class HubBenchmark : IBenchmark
{
    public string Name => "hub";

    public string Description => "Hugging Face download from a loopback fake hub vs a plain HttpClient copy (--quick: 128 MiB, 1 run)";

    public async Task RunAsync(BenchmarkContext context)
    {
        var arguments = context.Quick ? ["--size-mb", "128", "--runs", "1", .. context.Arguments] : context.Arguments.ToArray();
        int code = await HubDownloadBenchmark.RunAsync(arguments).ConfigureAwait(false);
        if (code != 0)
        {
            throw new ArgumentException($"The hub benchmark rejected its arguments (exit {code}).");
        }
    }
}
