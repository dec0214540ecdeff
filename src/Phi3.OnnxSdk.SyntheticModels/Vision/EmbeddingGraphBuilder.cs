using Phi3.OnnxSdk.SyntheticModels.Onnx;

namespace Phi3.OnnxSdk.SyntheticModels;

/// <summary>
/// Builds the phi3v embedding graph: <c>input_ids</c> <c>[batch, sequence]</c> and
/// <c>image_features</c> <c>[num_image_tokens, hidden]</c> in, <c>inputs_embeds</c>
/// <c>[batch, sequence, hidden]</c> out. Text ids take the token embedding; the positions the
/// processor filled with negative ids (the image placeholders) take the image feature rows in
/// order (ScatterND over NonZero(input_ids &lt; 0)), as Phi-3-vision's embedding does.
/// </summary>
internal sealed class EmbeddingGraphBuilder
{
    private const string P = "/embedding";

    private readonly SyntheticModelOptions _options;
    private readonly LayerBuilder _layers;

    public EmbeddingGraphBuilder(SyntheticModelOptions options, OnnxGraph graph)
    {
        _options = options;
        _layers = new LayerBuilder(options, graph);
    }

    public void Build()
    {
        var graph = _layers.Graph;
        graph.Inputs.Add(new OnnxValueInfo("input_ids", OnnxDataType.Int64, ["batch_size", "sequence_length"]));
        graph.Inputs.Add(new OnnxValueInfo("image_features", OnnxDataType.Float, ["num_image_tokens", _options.HiddenSize]));
        graph.Outputs.Add(new OnnxValueInfo("inputs_embeds", OnnxDataType.Float, ["batch_size", "sequence_length", _options.HiddenSize]));

        string zero = _layers.Int64($"{P}/zero", [], 0);
        string textIds = _layers.Op($"{P}/text_ids/Max", "Max", ["input_ids", zero]);
        string text = _layers.TokenEmbedding(textIds, "/model/embed_tokens/Gather/output_0");

        string isImage = _layers.Op($"{P}/is_image/Less", "Less", ["input_ids", zero]);
        string positions = _layers.Op($"{P}/image_positions/NonZero", "NonZero", [isImage]);
        string indices = _layers.Op($"{P}/image_positions/Transpose", "Transpose", [positions], OnnxAttribute.Of("perm", [1L, 0]));
        graph.AddNode($"{P}/ScatterND", "ScatterND", [text, indices, "image_features"], ["inputs_embeds"]);
    }
}
