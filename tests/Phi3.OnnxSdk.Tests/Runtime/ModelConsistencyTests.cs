using System.Text.Json.Nodes;
using Phi3.OnnxSdk.Runtime;

namespace Phi3.OnnxSdk.Tests.Runtime;

/// <summary>The checks' rules on hand-made parts; the synthetic model's damaged folders are loaded in Faults/LoadAttacks.</summary>
public sealed class ModelConsistencyTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "phi3-consistency-" + Guid.NewGuid().ToString("N"));

    public ModelConsistencyTests()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Path.Combine(_folder, TokenizerFiles.ConfigFileName), "{}");
        File.WriteAllText(Path.Combine(_folder, TokenizerFiles.JsonFileName), """{"model":{"vocab":{"<unk>":0,"<s>":1,"</s>":2,"a":3}}}""");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Check_NoGraph_VocabularyIsTheConfigsAndBindsTheTokenizer()
    {
        Assert.Equal(8, Check(contextLength: 64, vocabSize: 8, graph: null));

        var ex = Assert.Throws<Phi3ModelException>(() => Check(contextLength: 64, vocabSize: 3, graph: null));
        Assert.Equal(Path.Combine(_folder, TokenizerFiles.JsonFileName), ex.Path);
        Assert.Contains("token ids up to 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_RotaryCachesKnownOnlyByName_LargestBoundsTheContext()
    {
        // LongRoPE graphs pick one of two caches at run time: the larger one bounds the context.
        var graph = new OnnxGraphInfo();
        graph.InitializerDims["cos_cache_small"] = [4096, 48];
        graph.InitializerDims["cos_cache_large"] = [131072, 48];

        Assert.Equal(8, Check(contextLength: 131072, vocabSize: 8, graph));
        var ex = Assert.Throws<Phi3ModelException>(() => Check(contextLength: 131073, vocabSize: 8, graph));
        Assert.Contains("'model.context_length'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("131072", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_GraphWithoutStaticShapes_ChecksOnlyWhatItStates()
    {
        var graph = new OnnxGraphInfo();
        graph.Inputs["past_key_values.0.key"] = new OnnxTensorInfo(1, [null, null, null, null]);
        graph.Inputs["past_key_values.0.value"] = new OnnxTensorInfo(1, null);
        graph.Outputs["logits"] = new OnnxTensorInfo(1, [null, null, null]);

        Assert.Equal(8, Check(contextLength: 64, vocabSize: 8, graph));
    }

    private int? Check(int contextLength, int vocabSize, OnnxGraphInfo? graph)
    {
        var config = new JsonObject
        {
            ["model"] = new JsonObject
            {
                ["type"] = "phi3",
                ["context_length"] = contextLength,
                ["vocab_size"] = vocabSize,
                ["eos_token_id"] = 2,
                ["bos_token_id"] = 1,
                ["decoder"] = new JsonObject { ["filename"] = "model.onnx", ["num_hidden_layers"] = 1, ["num_key_value_heads"] = 2, ["head_size"] = 8 },
            },
        };
        string path = Path.Combine(_folder, GenAIModelSettings.FileName);
        File.WriteAllText(path, config.ToJsonString());
        return ModelConsistency.Check(_folder, GenAIModelSettings.Load(path), TokenizerFiles.Load(_folder), graph);
    }
}
