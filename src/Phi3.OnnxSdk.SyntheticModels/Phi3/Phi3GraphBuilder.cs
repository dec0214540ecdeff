using System.Buffers.Binary;
using Phi3.OnnxSdk.SyntheticModels.Onnx;

namespace Phi3.OnnxSdk.SyntheticModels;

/// <summary>
/// Builds the Phi-3 decoder graph with the operators and I/O names of the real cpu-int4
/// variant: Gather embedding; per layer (Skip)SimplifiedLayerNormalization, Q/K/V projections,
/// GroupQueryAttention with rotary and past/present KV, output projection, residual, RMS norm,
/// SiLU-gated MLP; a final norm and the lm_head. For a vision model (phi3v) the decoder takes
/// <c>inputs_embeds</c> and the Gather moves to the embedding graph.
/// </summary>
internal sealed class Phi3GraphBuilder
{
    private const float Epsilon = 1e-5f;
    private const string Ms = LayerBuilder.MicrosoftDomain;

    private readonly SyntheticModelOptions _options;
    private readonly OnnxGraph _graph;
    private readonly LayerBuilder _layers;

    public Phi3GraphBuilder(SyntheticModelOptions options, OnnxGraph graph)
    {
        _options = options;
        _graph = graph;
        _layers = new LayerBuilder(options, graph);
    }

    /// <summary>
    /// Gets a value indicating whether the graph takes <c>inputs_embeds</c> (the phi3v text decoder,
    /// whose token embedding lives in the embedding graph) instead of <c>input_ids</c>.
    /// </summary>
    private bool TakesEmbeddings => _options.Vision is not null;

    public void Build(IProgress<string>? progress = null)
    {
        var o = _options;
        int kvHidden = o.NumKeyValueHeads * o.HeadSize;
        AddInputsAndOutputs();

        string residual = "inputs_embeds";
        if (!TakesEmbeddings)
        {
            residual = _layers.TokenEmbedding("input_ids", "/model/embed_tokens/Gather/output_0");
        }

        (string seqlensK, string totalSeqLen) = AddAttentionMaskSubgraph();
        (string cosCache, string sinCache) = AddRotaryCaches();

        string? previousMlpOut = null;
        for (int layer = 0; layer < o.Layers; layer++)
        {
            progress?.Report($"layer {layer + 1}/{o.Layers}");
            string prefix = $"/model/layers.{layer}";
            string weightPrefix = $"model.layers.{layer}";

            string inputNorm = _layers.Ones($"{weightPrefix}.input_layernorm.weight", o.HiddenSize);
            string normed = $"{prefix}/input_layernorm/output_0";
            if (previousMlpOut is null)
            {
                _graph.AddNode($"{prefix}/input_layernorm/LayerNorm", "SimplifiedLayerNormalization",
                    [residual, inputNorm], [normed],
                    OnnxAttribute.Of("axis", -1L), OnnxAttribute.Of("epsilon", Epsilon), OnnxAttribute.Of("stash_type", 1L));
            }
            else
            {
                string summed = $"{prefix}/input_layernorm/output_3";
                _graph.AddNode($"{prefix}/input_layernorm/SkipLayerNorm", "SkipSimplifiedLayerNormalization", Ms,
                    [previousMlpOut, residual, inputNorm], [normed, string.Empty, string.Empty, summed],
                    OnnxAttribute.Of("epsilon", Epsilon));
                residual = summed;
            }

            string q = _layers.Linear($"{prefix}/attn/q_proj", $"{weightPrefix}.self_attn.q_proj", normed, o.HiddenSize, o.HiddenSize);
            string k = _layers.Linear($"{prefix}/attn/k_proj", $"{weightPrefix}.self_attn.k_proj", normed, o.HiddenSize, kvHidden);
            string v = _layers.Linear($"{prefix}/attn/v_proj", $"{weightPrefix}.self_attn.v_proj", normed, o.HiddenSize, kvHidden);

            string attention = $"{prefix}/attn/GroupQueryAttention/output_0";
            _graph.AddNode($"{prefix}/attn/GroupQueryAttention", "GroupQueryAttention", Ms,
                [q, k, v, $"past_key_values.{layer}.key", $"past_key_values.{layer}.value", seqlensK, totalSeqLen, cosCache, sinCache],
                [attention, $"present.{layer}.key", $"present.{layer}.value"],
                OnnxAttribute.Of("num_heads", (long)o.NumHeads),
                OnnxAttribute.Of("kv_num_heads", (long)o.NumKeyValueHeads),
                OnnxAttribute.Of("do_rotary", 1L),
                OnnxAttribute.Of("rotary_interleaved", 0L),
                OnnxAttribute.Of("local_window_size", -1L),
                OnnxAttribute.Of("scale", 1f / MathF.Sqrt(o.HeadSize)));

            string attentionOut = _layers.Linear($"{prefix}/attn/o_proj", $"{weightPrefix}.self_attn.o_proj", attention, o.HiddenSize, o.HiddenSize);

            string postNorm = _layers.Ones($"{weightPrefix}.post_attention_layernorm.weight", o.HiddenSize);
            string normed2 = $"{prefix}/post_attention_layernorm/output_0";
            string residual2 = $"{prefix}/post_attention_layernorm/output_3";
            _graph.AddNode($"{prefix}/post_attention_layernorm/SkipLayerNorm", "SkipSimplifiedLayerNormalization", Ms,
                [attentionOut, residual, postNorm], [normed2, string.Empty, string.Empty, residual2],
                OnnxAttribute.Of("epsilon", Epsilon));
            residual = residual2;

            string gate = _layers.Linear($"{prefix}/mlp/gate_proj", $"{weightPrefix}.mlp.gate_proj", normed2, o.HiddenSize, o.IntermediateSize);
            string up = _layers.Linear($"{prefix}/mlp/up_proj", $"{weightPrefix}.mlp.up_proj", normed2, o.HiddenSize, o.IntermediateSize);
            _graph.AddNode($"{prefix}/mlp/act_fn/Sigmoid", "Sigmoid", [gate], [$"{prefix}/mlp/act_fn/Sigmoid/output_0"]);
            _graph.AddNode($"{prefix}/mlp/act_fn/Mul", "Mul", [gate, $"{prefix}/mlp/act_fn/Sigmoid/output_0"], [$"{prefix}/mlp/act_fn/Mul/output_0"]);
            _graph.AddNode($"{prefix}/mlp/Mul", "Mul", [$"{prefix}/mlp/act_fn/Mul/output_0", up], [$"{prefix}/mlp/Mul/output_0"]);
            previousMlpOut = _layers.Linear($"{prefix}/mlp/down_proj", $"{weightPrefix}.mlp.down_proj", $"{prefix}/mlp/Mul/output_0", o.IntermediateSize, o.HiddenSize);
        }

        string finalNorm = _layers.Ones("model.norm.weight", o.HiddenSize);
        _graph.AddNode("/model/norm/SkipLayerNorm", "SkipSimplifiedLayerNormalization", Ms,
            [previousMlpOut!, residual, finalNorm], ["/model/norm/output_0"],
            OnnxAttribute.Of("epsilon", Epsilon));
        _layers.Linear("/lm_head", "lm_head", "/model/norm/output_0", o.HiddenSize, SyntheticModelOptions.Phi3VocabSize, output: "logits");
    }

    private void AddInputsAndOutputs()
    {
        var o = _options;
        _graph.Inputs.Add(TakesEmbeddings
            ? new OnnxValueInfo("inputs_embeds", OnnxDataType.Float, ["batch_size", "sequence_length", o.HiddenSize])
            : new OnnxValueInfo("input_ids", OnnxDataType.Int64, ["batch_size", "sequence_length"]));
        _graph.Inputs.Add(new OnnxValueInfo("attention_mask", OnnxDataType.Int64, ["batch_size", "total_sequence_length"]));
        for (int layer = 0; layer < o.Layers; layer++)
        {
            foreach (string kind in new[] { "key", "value" })
            {
                _graph.Inputs.Add(new OnnxValueInfo($"past_key_values.{layer}.{kind}", OnnxDataType.Float,
                    ["batch_size", o.NumKeyValueHeads, "past_sequence_length", o.HeadSize]));
            }
        }

        _graph.Outputs.Add(new OnnxValueInfo("logits", OnnxDataType.Float, ["batch_size", "sequence_length", SyntheticModelOptions.Phi3VocabSize]));
        for (int layer = 0; layer < o.Layers; layer++)
        {
            foreach (string kind in new[] { "key", "value" })
            {
                _graph.Outputs.Add(new OnnxValueInfo($"present.{layer}.{kind}", OnnxDataType.Float,
                    ["batch_size", o.NumKeyValueHeads, "total_sequence_length", o.HeadSize]));
            }
        }
    }

    private (string SeqlensK, string TotalSequenceLength) AddAttentionMaskSubgraph()
    {
        const string p = "/model/attn_mask_reformat/attn_mask_subgraph";
        string axes = _layers.Int64($"{p}/axes", [1], 1);
        string one = _layers.Int64($"{p}/one", [], 1);
        string index = _layers.Int64($"{p}/index", [], 1);
        _graph.AddNode($"{p}/ReduceSum", "ReduceSum", ["attention_mask", axes], [$"{p}/ReduceSum/output_0"], OnnxAttribute.Of("keepdims", 0L));
        _graph.AddNode($"{p}/Sub", "Sub", [$"{p}/ReduceSum/output_0", one], [$"{p}/Sub/output_0"]);
        _graph.AddNode($"{p}/Sub/Cast", "Cast", [$"{p}/Sub/output_0"], [$"{p}/Sub/Cast/output_0"], OnnxAttribute.Of("to", (long)OnnxDataType.Int32));
        _graph.AddNode($"{p}/Shape", "Shape", ["attention_mask"], [$"{p}/Shape/output_0"]);
        _graph.AddNode($"{p}/Gather", "Gather", [$"{p}/Shape/output_0", index], [$"{p}/Gather/output_0"], OnnxAttribute.Of("axis", 0L));
        _graph.AddNode($"{p}/Gather/Cast", "Cast", [$"{p}/Gather/output_0"], [$"{p}/Gather/Cast/output_0"], OnnxAttribute.Of("to", (long)OnnxDataType.Int32));
        return ($"{p}/Sub/Cast/output_0", $"{p}/Gather/Cast/output_0");
    }

    private (string Cos, string Sin) AddRotaryCaches()
    {
        int half = _options.HeadSize / 2;
        int context = _options.ContextLength;
        var cos = new byte[(long)context * half * 4];
        var sin = new byte[(long)context * half * 4];
        var inverseFrequencies = new double[half];
        for (int j = 0; j < half; j++)
        {
            inverseFrequencies[j] = 1.0 / Math.Pow(10000.0, 2.0 * j / _options.HeadSize);
        }

        for (int position = 0; position < context; position++)
        {
            for (int j = 0; j < half; j++)
            {
                double angle = position * inverseFrequencies[j];
                int offset = ((position * half) + j) * 4;
                BinaryPrimitives.WriteSingleLittleEndian(cos.AsSpan(offset), (float)Math.Cos(angle));
                BinaryPrimitives.WriteSingleLittleEndian(sin.AsSpan(offset), (float)Math.Sin(angle));
            }
        }

        return (_graph.AddInitializer("cos_cache", OnnxDataType.Float, [context, half], cos),
                _graph.AddInitializer("sin_cache", OnnxDataType.Float, [context, half], sin));
    }
}
