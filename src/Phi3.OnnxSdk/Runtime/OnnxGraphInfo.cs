namespace Phi3.OnnxSdk.Runtime;

/// <summary>What <see cref="OnnxGraphReader"/> read from a decoder graph: the facts the load-time checks compare with genai_config.json and the tokenizer.</summary>
internal sealed class OnnxGraphInfo
{
    /// <summary>Gets the graph inputs by name.</summary>
    public Dictionary<string, OnnxTensorInfo> Inputs { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the graph outputs by name.</summary>
    public Dictionary<string, OnnxTensorInfo> Outputs { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the dimensions of the graph's initializers by name.</summary>
    public Dictionary<string, IReadOnlyList<long>> InitializerDims { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the nodes that embed tokens or position them (Gather, GroupQueryAttention, RotaryEmbedding).</summary>
    public List<OnnxNodeInfo> Nodes { get; } = [];
}
