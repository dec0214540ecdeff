using System.Globalization;
using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.SyntheticModels;
using static Phi3.OnnxSdk.Benchmarks.BenchModels;

namespace Phi3.OnnxSdk.Benchmarks;

/// <summary>
/// <c>vision [--model DIR] [--reps 3]</c>: time to first token for one 1344 x 1008 image through
/// <see cref="Phi3ChatClient"/> (<see cref="ClientVisionFirstToken"/>) against the raw MultiModalProcessor + Generator
/// path (<see cref="RawVisionFirstToken"/>), on one loaded real-shape synthetic vision model (vision-int4, default
/// /tmp/phi3-bench-vision-int4; --quick: tiny-vision). Runs are paired and alternate which path goes first; the figures
/// are the medians, the median of the per-pair ratios (raw over client: 1 means the client adds nothing, the goal is at
/// least 0.97) with its quartiles, and the
/// peak RSS during each path's runs (reset before each run where Linux allows).
/// </summary>
internal sealed class VisionFirstTokenBenchmark : IBenchmark
{
    private const int Width = 1344;
    private const int Height = 1008;
    private const string Prompt = "<|user|>\n<|image_1|>\n" + ClientVisionFirstToken.Question + "<|end|>\n<|assistant|>\n";

    public string Name => "vision";

    public string Description => "time to first token, one 1344x1008 image: Phi3ChatClient against raw MultiModalProcessor + Generator, paired (vision-int4; --quick: tiny-vision)";

    public async Task RunAsync(BenchmarkContext context)
    {
        string folder = context.Option("--model", context.Quick ? TestModelCache.GetOrBuild("tiny-vision") : Path.Combine(Path.GetTempPath(), "phi3-bench-vision-int4"));
        if (!File.Exists(Path.Combine(folder, "processor_config.json")))
        {
            throw new DirectoryNotFoundException($"No vision model at '{folder}'. Build it with: scripts/build-test-model.sh {folder} vision-int4");
        }

        int reps = int.Parse(context.Option("--reps", context.Quick ? "2" : "3"), CultureInfo.InvariantCulture);
        var output = context.Output;
        byte[] image = SyntheticImages.Png(Width, Height, seed: 1);

        // Room for the expanded prompt and one token: the KV buffer (past_present_share_buffer) is sized by max_length.
        int maxLength = Phi3VisionTokenRule.ImageTokens(Width, Height) + 64;
        using var loaded = new Phi3Model(folder);
        Model model = loaded.Model;
        using var processor = new MultiModalProcessor(model);
        using var client = new Phi3ChatClient(loaded, new Phi3ChatClientOptions { EnableKvReuse = false });

        output.WriteLine(F($"one {Width}x{Height} PNG ({image.Length / 1e6:F1} MB), {Phi3VisionTokenRule.ImageTokens(Width, Height)} image tokens, raw max_length {maxLength}; {reps} pairs after a warm-up of each"));
        RawVisionFirstToken.Measure(model, processor, Prompt, image, maxLength);
        await ClientVisionFirstToken.MeasureAsync(client, image).ConfigureAwait(false);
        output.WriteLine("| pair | first | raw first token ms | client first token ms | raw peak RSS GB | client peak RSS GB | input tokens raw / client | same first token |");
        output.WriteLine("|---|---|---|---|---|---|---|---|");
        var raw = new List<double>();
        var sdk = new List<double>();
        long rawPeak = 0, clientPeak = 0;
        bool resettable = true;
        for (int r = 0; r < reps; r++)
        {
            bool rawFirst = r % 2 == 0;
            RawVisionTiming? rawTiming = null;
            (TimeSpan FirstToken, long InputTokens, int Token) clientTiming = default;
            long rawRun = 0, clientRun = 0;
            for (int side = 0; side < 2; side++)
            {
                resettable &= MachineProbe.ResetPeak();
                if ((side == 0) == rawFirst)
                {
                    rawTiming = RawVisionFirstToken.Measure(model, processor, Prompt, image, maxLength);
                    rawRun = MachineProbe.ProcStatusBytes("VmHWM");
                }
                else
                {
                    clientTiming = await ClientVisionFirstToken.MeasureAsync(client, image).ConfigureAwait(false);
                    clientRun = MachineProbe.ProcStatusBytes("VmHWM");
                }
            }

            raw.Add(rawTiming!.FirstToken.TotalMilliseconds);
            sdk.Add(clientTiming.FirstToken.TotalMilliseconds);
            rawPeak = Math.Max(rawPeak, rawRun);
            clientPeak = Math.Max(clientPeak, clientRun);
            output.WriteLine(F($"| {r + 1} | {(rawFirst ? "raw" : "client")} | {rawTiming.FirstToken.TotalMilliseconds:F0} | {clientTiming.FirstToken.TotalMilliseconds:F0} | {rawRun / 1e9:F2} | {clientRun / 1e9:F2} | {rawTiming.InputTokens} / {clientTiming.InputTokens} | {rawTiming.Token == clientTiming.Token} |"));
        }

        double rawMedian = Statistics.Median(raw), clientMedian = Statistics.Median(sdk);
        var pairs = raw.Zip(sdk, (r, c) => r / c).ToList();
        output.WriteLine(F($"median first token: raw {rawMedian:F0} ms, client {clientMedian:F0} ms; ratio of the medians raw/client {rawMedian / clientMedian:F3}"));
        output.WriteLine(F($"raw/client per pair: median {Statistics.Median(pairs):F3} [{Statistics.Quantile(pairs, 0.25):F3}, {Statistics.Quantile(pairs, 0.75):F3}] (goal >= 0.97; the paired figure is the one the goal is read from, as for the other benchmarks)"));
        output.WriteLine(F($"peak RSS: raw {rawPeak / 1e9:F2} GB, client {clientPeak / 1e9:F2} GB{(resettable ? " (reset before each run; both include the loaded model)" : " (peak not resettable: both are the process's peak)")}"));
    }
}
