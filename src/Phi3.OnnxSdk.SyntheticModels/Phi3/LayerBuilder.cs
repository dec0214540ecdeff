using System.Buffers.Binary;
using Phi3.OnnxSdk.SyntheticModels.Onnx;

namespace Phi3.OnnxSdk.SyntheticModels;

/// <summary>
/// The building blocks the graph builders share: projections (fp32 <c>MatMul</c> or int4
/// <c>MatMulNBits</c>, by <see cref="SyntheticModelOptions.Precision"/>), constant tensors and
/// random weights, all written into one <see cref="OnnxGraph"/>.
/// </summary>
internal sealed class LayerBuilder
{
    public const string MicrosoftDomain = "com.microsoft";

    private readonly SyntheticModelOptions _options;

    public LayerBuilder(SyntheticModelOptions options, OnnxGraph graph)
    {
        _options = options;
        Graph = graph;
        Weights = new WeightGenerator(options.Seed);
    }

    public OnnxGraph Graph { get; }

    public WeightGenerator Weights { get; }

    /// <summary>y = x W for W of shape [inFeatures, outFeatures]: a MatMul, or MatMulNBits for int4.</summary>
    public string Linear(string nodeName, string weightName, string input, int inFeatures, int outFeatures, string? output = null)
    {
        output ??= $"{nodeName}/output_0";
        float std = 1f / MathF.Sqrt(inFeatures);
        if (_options.Precision == SyntheticPrecision.Fp32)
        {
            string weight = Graph.AddInitializer($"{weightName}.weight", OnnxDataType.Float, [inFeatures, outFeatures],
                Weights.Floats($"{weightName}.weight", (long)inFeatures * outFeatures, std));
            Graph.AddNode($"{nodeName}/MatMul", "MatMul", [input, weight], [output]);
            return output;
        }

        int block = _options.BlockSize;
        int blocksPerColumn = inFeatures / block;
        string packed = Graph.AddInitializer($"{weightName}.weight.quant", OnnxDataType.UInt8, [outFeatures, blocksPerColumn, block / 2],
            Weights.Bytes($"{weightName}.weight.quant", (long)outFeatures * blocksPerColumn * (block / 2)));

        // Nibbles uniform in 0..15 around the default zero point 8 have a standard deviation of about 4.6.
        var scales = Weights.Floats($"{weightName}.weight.scales", (long)outFeatures * blocksPerColumn, std / 4.6f * 0.25f);
        var scaleSpan = scales.AsSpan();
        for (int i = 0; i < scaleSpan.Length; i += 4)
        {
            float jitter = BinaryPrimitives.ReadSingleLittleEndian(scaleSpan[i..]);
            BinaryPrimitives.WriteSingleLittleEndian(scaleSpan[i..], (std / 4.6f) + jitter);
        }

        string scaleName = Graph.AddInitializer($"{weightName}.weight.scales", OnnxDataType.Float, [(long)outFeatures * blocksPerColumn], scales);
        Graph.AddNode($"{nodeName}/MatMulNBits", "MatMulNBits", MicrosoftDomain, [input, packed, scaleName], [output],
            OnnxAttribute.Of("K", (long)inFeatures),
            OnnxAttribute.Of("N", (long)outFeatures),
            OnnxAttribute.Of("bits", 4L),
            OnnxAttribute.Of("block_size", (long)block),
            OnnxAttribute.Of("accuracy_level", (long)_options.AccuracyLevel));
        return output;
    }

    /// <summary>
    /// The token embedding: a Gather from <c>model.embed_tokens.weight</c> (fp32, standard deviation 1).
    /// The text decoder holds it; for phi3v the embedding graph does.
    /// </summary>
    public string TokenEmbedding(string inputIds, string output)
    {
        int hidden = _options.HiddenSize;
        string embedWeight = Graph.AddInitializer(
            "model.embed_tokens.weight", OnnxDataType.Float, [SyntheticModelOptions.Phi3VocabSize, hidden],
            Weights.Floats("model.embed_tokens.weight", (long)SyntheticModelOptions.Phi3VocabSize * hidden, 1f));
        Graph.AddNode("/model/embed_tokens/Gather", "Gather", [embedWeight, inputIds], [output]);
        return output;
    }

    /// <summary>A float tensor of ones, for norm weights.</summary>
    public string Ones(string name, int count)
    {
        var bytes = new byte[count * 4];
        for (int i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), 1f);
        }

        return Graph.AddInitializer(name, OnnxDataType.Float, [count], bytes);
    }

    /// <summary>An int64 constant: a scalar when <paramref name="dims"/> is empty, else a tensor of that shape.</summary>
    public string Int64(string name, long[] dims, params long[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), values[i]);
        }

        return Graph.AddInitializer(name, OnnxDataType.Int64, dims, bytes);
    }

    /// <summary>Adds a node with one output named <c>{name}/output_0</c> and returns that output.</summary>
    public string Op(string name, string opType, string[] inputs, params OnnxAttribute[] attributes) =>
        Op(name, opType, string.Empty, inputs, attributes);

    /// <summary>Adds a node of an operator domain (such as <see cref="MicrosoftDomain"/>) with one output and returns it.</summary>
    public string Op(string name, string opType, string domain, string[] inputs, params OnnxAttribute[] attributes)
    {
        string output = $"{name}/output_0";
        Graph.AddNode(name, opType, domain, inputs, [output], attributes);
        return output;
    }
}
