using System.Globalization;
using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.SyntheticModels;
using static Phi3.OnnxSdk.Benchmarks.BenchModels;

namespace Phi3.OnnxSdk.Benchmarks;

/// <summary>
/// <c>vision [--model DIR] [--reps 3]</c>: time to first token for one 1344 x 1008 image through the
/// raw MultiModalProcessor + Generator path (<see cref="RawVisionFirstToken"/>) on the real-shape
/// synthetic vision model (vision-int4, default /tmp/phi3-bench-vision-int4; --quick: tiny-vision),
/// and the process's peak RSS. The client side of the pair comes with images in Phi3ChatClient.
/// </summary>
internal sealed class VisionFirstTokenBenchmark : IBenchmark
{
    private const int Width = 1344;
    private const int Height = 1008;
    private const string Prompt = "<|user|>\n<|image_1|>\nDescribe the picture.<|end|>\n<|assistant|>\n";

    public string Name => "vision";

    public string Description => "raw MultiModalProcessor + Generator time to first token, one 1344x1008 image (vision-int4; --quick: tiny-vision)";

    public Task RunAsync(BenchmarkContext context)
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
        bool reset = MachineProbe.ResetPeak();
        using var model = new Model(folder);
        using var processor = new MultiModalProcessor(model);

        output.WriteLine(F($"one {Width}x{Height} PNG ({image.Length / 1e6:F1} MB), {Phi3VisionTokenRule.ImageTokens(Width, Height)} image tokens, max_length {maxLength}; {reps} runs after a warm-up"));
        RawVisionFirstToken.Measure(model, processor, Prompt, image, maxLength);
        output.WriteLine("| run | first token ms | of which image processing ms | input tokens |");
        output.WriteLine("|---|---|---|---|");
        var times = new List<double>();
        for (int r = 0; r < reps; r++)
        {
            var timing = RawVisionFirstToken.Measure(model, processor, Prompt, image, maxLength);
            times.Add(timing.FirstToken.TotalMilliseconds);
            output.WriteLine(F($"| {r + 1} | {timing.FirstToken.TotalMilliseconds:F0} | {timing.Processed.TotalMilliseconds:F0} | {timing.InputTokens} |"));
        }

        long peak = MachineProbe.ProcStatusBytes("VmHWM");
        output.WriteLine(F($"median first token {Statistics.Median(times):F0} ms; peak RSS {peak / 1e9:F2} GB{(reset ? " (since before the model load)" : " (peak not resettable)")}"));
        return Task.CompletedTask;
    }
}
