using Phi3.OnnxSdk.Runtime;
using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Tests.Runtime;

public sealed class OnnxGraphReaderTests
{
    [Fact]
    public void Read_TinyModel_InputsOutputsEmbeddingAndRotaryCache()
    {
        var graph = OnnxGraphReader.Read(Path.Combine(TestModelCache.GetOrBuild("tiny"), SyntheticModelBuilder.OnnxFileName))!;

        // [batch, KV heads, past sequence, head size] with named dimensions unknown; fp32.
        var pastKey = graph.Inputs["past_key_values.1.key"];
        Assert.Equal(1, pastKey.ElementType);
        Assert.Equal([null, 4L, null, 32L], pastKey.Dims!);
        Assert.Equal(32064L, graph.Outputs["logits"].Dims![^1]);
        Assert.Equal([32064L, 128L], graph.InitializerDims["model.embed_tokens.weight"]);
        Assert.Equal([4096L, 16L], graph.InitializerDims["cos_cache"]);
        Assert.Contains(graph.Nodes, n => n is { OpType: "GroupQueryAttention" } && n.Inputs[7] == "cos_cache");
        Assert.Contains(graph.Nodes, n => n is { OpType: "Gather", Inputs: ["model.embed_tokens.weight", "input_ids"] });
    }

    [Fact]
    public void Read_NotAnOnnxFile_ReturnsNull()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "<html>Rate limited</html>");
            Assert.Null(OnnxGraphReader.Read(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
