using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Benchmarks;

/// <summary>
/// <c>model [--preset P] [--out DIR] [--tokens N]</c>: builds a synthetic model, then measures its
/// size on disk, build time, load time and greedy decode speed with the raw onnxruntime-genai loop.
/// </summary>
internal sealed class SyntheticModelBenchmark : IBenchmark
{
    public string Name => "model";

    public string Description => "synthetic model: size, build time, load time, decode tokens/s (default mini-int4; --quick: tiny)";

    public async Task RunAsync(BenchmarkContext context)
    {
        string preset = context.Option("--preset", context.Quick ? "tiny" : "mini-int4");
        int tokens = int.Parse(context.Option("--tokens", context.Quick ? "128" : "64"), CultureInfo.InvariantCulture);
        string folder = context.Option("--out", Path.Combine(Path.GetTempPath(), $"phi3-bench-{preset}"));
        var output = context.Output;

        var info = await SyntheticModelBuilder.BuildAsync(folder, SyntheticModelPresets.Get(preset));
        output.WriteLine(Invariant($"preset {preset}: {info.TotalBytes / 1e9:F3} GB on disk ({string.Join(", ", info.Files)}), built in {info.BuildTime.TotalSeconds:F1} s"));

        var load = Stopwatch.StartNew();
        using var model = new Model(folder);
        using var tokenizer = new Tokenizer(model);
        load.Stop();
        output.WriteLine(Invariant($"load (Model + Tokenizer): {load.Elapsed.TotalSeconds:F2} s"));

        using var prompt = tokenizer.Encode("<|user|>\nWrite a short story about a lighthouse keeper.<|end|>\n<|assistant|>\n");
        int promptLength = prompt[0].Length;
        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("max_length", promptLength + tokens);
        using var generator = new Generator(model, parameters);

        var prefill = Stopwatch.StartNew();
        generator.AppendTokenSequences(prompt);
        prefill.Stop();

        var decode = Stopwatch.StartNew();
        int generated = 0;
        while (!generator.IsDone())
        {
            generator.GenerateNextToken();
            generated++;
        }

        decode.Stop();
        output.WriteLine(Invariant($"prefill {promptLength} tokens: {prefill.Elapsed.TotalMilliseconds:F0} ms; decode {generated} tokens: {generated / decode.Elapsed.TotalSeconds:F2} tokens/s"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
