using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntimeGenAI;
using static Phi3.OnnxSdk.Benchmarks.BenchModels;

namespace Phi3.OnnxSdk.Benchmarks;

/// <summary>
/// <c>memory [--model DIR] [--context N]</c>: load time of <see cref="Phi3Model"/> against a raw
/// <c>new Model(path)</c> (alternating, best of two), then peak RSS after a prefill that fills the
/// context (default 4096) against weights plus KV buffer, prefilled in one call and in 512-token chunks
/// (<c>--chunk N</c>: one size only).
/// </summary>
internal sealed class MemoryStartupBenchmark : IBenchmark
{
    public string Name => "memory";

    public string Description => "load time vs raw new Model(path); peak RSS at 4K context vs weights + KV (mini-int4; --quick: tiny)";

    public Task RunAsync(BenchmarkContext context)
    {
        var models = Resolve(context);
        int contextLength = int.Parse(context.Option("--context", "4096"), CultureInfo.InvariantCulture);
        var output = context.Output;

        long baseRss = MachineProbe.ProcStatusBytes("VmRSS");
        double raw = double.MaxValue, rawWithTokenizer = double.MaxValue, sdk = double.MaxValue;
        for (int round = 0; round < 2; round++)
        {
            var watch = Stopwatch.StartNew();
            using (var model = new Model(models.Folder))
            {
                raw = Math.Min(raw, watch.Elapsed.TotalSeconds);
            }

            watch.Restart();
            using (var model = new Model(models.Folder))
            using (var tokenizer = new Tokenizer(model))
            {
                rawWithTokenizer = Math.Min(rawWithTokenizer, watch.Elapsed.TotalSeconds);
            }

            watch.Restart();
            using (var model = new Phi3Model(models.Folder))
            {
                sdk = Math.Min(sdk, watch.Elapsed.TotalSeconds);
            }
        }

        output.WriteLine(F($"load (best of 2, alternating): raw new Model(path) {raw:F2} s; raw Model + Tokenizer {rawWithTokenizer:F2} s; SDK new Phi3Model(path) (file checks, tuned Config, Model, Tokenizer) {sdk:F2} s; ratio SDK / raw Model {sdk / raw:F3}, SDK / raw Model + Tokenizer {sdk / rawWithTokenizer:F3}"));

        using var loaded = new Model(models.Folder);
        long afterLoad = MachineProbe.ProcStatusBytes("VmRSS");
        int[] prompt = Prompt(contextLength - 16);
        long kv = models.KvBytesPerToken * contextLength;
        long expected = models.WeightBytes + kv;
        output.WriteLine(F($"RSS before load {baseRss / 1e9:F2} GB; after load {afterLoad / 1e9:F2} GB; weights {models.WeightBytes / 1e9:F2} GB + KV at {contextLength} tokens {kv / 1e9:F2} GB = {expected / 1e9:F2} GB"));

        // The prompt fed in one call (what a raw caller does), then in the client's default 512-token chunks.
        // ONNX Runtime's CPU arena keeps what the first prefill grew, so --chunk N measures one size in a fresh process.
        string only = context.Option("--chunk", string.Empty);
        int[] chunks = only.Length > 0 ? [int.Parse(only, CultureInfo.InvariantCulture)] : [prompt.Length, 512];
        foreach (int chunk in chunks)
        {
            GC.Collect();
            bool reset = MachineProbe.ResetPeak();
            using var parameters = new GeneratorParams(loaded);
            parameters.SetSearchOption("max_length", contextLength);
            var prefill = Stopwatch.StartNew();
            using (var generator = new Generator(loaded, parameters))
            {
                for (int at = 0; at < prompt.Length; at += chunk)
                {
                    generator.AppendTokens(prompt.AsSpan(at, Math.Min(chunk, prompt.Length - at)));
                }

                prefill.Stop();
                while (!generator.IsDone())
                {
                    generator.GenerateNextToken();
                }
            }

            long peak = MachineProbe.ProcStatusBytes("VmHWM");
            output.WriteLine(F($"prefill {prompt.Length} tokens in chunks of {chunk}: {prefill.Elapsed.TotalSeconds:F1} s; peak RSS {peak / 1e9:F2} GB{(reset ? string.Empty : " (peak not resettable: includes the load rounds)")}; ratio to weights + KV {(double)peak / expected:F2}"));
        }

        return Task.CompletedTask;
    }
}
