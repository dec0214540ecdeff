using System.Globalization;
using System.Text.Json;
using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Benchmarks;

/// <summary>Which model folder a benchmark runs on, and its shape from genai_config.json.</summary>
internal sealed class BenchModels
{
    private BenchModels(string folder)
    {
        Folder = folder;
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "genai_config.json")));
        var model = doc.RootElement.GetProperty("model");
        var decoder = model.GetProperty("decoder");
        Layers = decoder.GetProperty("num_hidden_layers").GetInt32();
        HiddenSize = decoder.GetProperty("hidden_size").GetInt32();
        HeadSize = decoder.GetProperty("head_size").GetInt32();
        KvHeads = decoder.GetProperty("num_key_value_heads").GetInt32();
        VocabSize = model.GetProperty("vocab_size").GetInt32();
        ContextLength = model.GetProperty("context_length").GetInt32();
        WeightBytes = Directory.GetFiles(folder).Where(f => f.EndsWith(".onnx", StringComparison.Ordinal) || f.EndsWith(".onnx.data", StringComparison.Ordinal)).Sum(f => new FileInfo(f).Length);
    }

    public string Folder { get; }

    public int Layers { get; }

    public int HiddenSize { get; }

    public int HeadSize { get; }

    public int KvHeads { get; }

    public int VocabSize { get; }

    public int ContextLength { get; }

    /// <summary>Gets the bytes of the ONNX files (weights and graph).</summary>
    public long WeightBytes { get; }

    /// <summary>Gets the fp32 KV bytes per token (key and value, every layer).</summary>
    public long KvBytesPerToken => 2L * Layers * KvHeads * HeadSize * sizeof(float);

    /// <summary>
    /// Gets the weight bytes one decode step reads: everything except the fp32 embedding table and the
    /// rotary cos/sin tables, of which a step reads one row each.
    /// </summary>
    public long WeightBytesReadPerToken => WeightBytes - ((long)VocabSize * HiddenSize * sizeof(float)) - (2L * ContextLength * (HeadSize / 2) * sizeof(float));

    /// <summary>The mini-int4 folder (<c>--model</c>, default /tmp/phi3-bench-mini-int4) or, with --quick, the tiny test model.</summary>
    public static BenchModels Resolve(BenchmarkContext context)
    {
        string folder = context.Option("--model", context.Quick ? TestModelCache.GetOrBuild("tiny") : Path.Combine(Path.GetTempPath(), "phi3-bench-mini-int4"));
        if (!File.Exists(Path.Combine(folder, "genai_config.json")))
        {
            throw new DirectoryNotFoundException($"No model at '{folder}'. Build it with: scripts/build-test-model.sh {folder} mini-int4");
        }

        return new BenchModels(folder);
    }

    /// <summary>A deterministic chat-shaped prompt of about <paramref name="length"/> tokens, varied by <paramref name="variant"/>.</summary>
    public static int[] Prompt(int length, int variant = 0)
    {
        var tokens = new List<int> { 1, 32010 };
        var random = new Random(1234 + variant);
        while (tokens.Count < length - 2)
        {
            tokens.Add(random.Next(300, 29000));
        }

        tokens.Add(32007);
        tokens.Add(32001);
        return [.. tokens];
    }

    public static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
