using System.Text;
using System.Text.Json.Nodes;
using Phi3.OnnxSdk.SyntheticModels.Tests.TestSupport;

namespace Phi3.OnnxSdk.SyntheticModels.Tests.Vision;

/// <summary>The files of a synthetic Phi-3-vision (phi3v) model and how they differ from a text model's.</summary>
public class VisionModelBuilderTests
{
    [Fact]
    public void GetOrBuild_TinyVision_WritesThreeGraphsAndProcessorConfig()
    {
        string folder = TestModelCache.GetOrBuild("tiny-vision");

        foreach (string file in new[] { SyntheticModelBuilder.OnnxFileName, SyntheticModelBuilder.EmbeddingFileName, SyntheticModelBuilder.VisionFileName, "processor_config.json", "genai_config.json", "tokenizer.json" })
        {
            Assert.True(File.Exists(Path.Combine(folder, file)), $"{file} is missing");
        }

        byte[] vision = File.ReadAllBytes(Path.Combine(folder, SyntheticModelBuilder.VisionFileName));
        byte[] embedding = File.ReadAllBytes(Path.Combine(folder, SyntheticModelBuilder.EmbeddingFileName));
        byte[] decoder = File.ReadAllBytes(Path.Combine(folder, SyntheticModelBuilder.OnnxFileName));
        Assert.All(new[] { "pixel_values", "image_sizes", "image_features", "Conv", "SpaceToDepth", "CumSum", "Range" }, s => Assert.True(Contains(vision, s), s));
        Assert.All(new[] { "input_ids", "image_features", "inputs_embeds", "ScatterND", "NonZero", "model.embed_tokens.weight" }, s => Assert.True(Contains(embedding, s), s));
        Assert.True(Contains(decoder, "inputs_embeds"));
        Assert.False(Contains(decoder, "model.embed_tokens.weight"));
    }

    [Fact]
    public void GenAIConfig_TinyVision_IsPhi3vWithEmbeddingAndVisionSections()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(TestModelCache.GetOrBuild("tiny-vision"), "genai_config.json")))!["model"]!;

        Assert.Equal("phi3v", (string?)config["type"]);
        Assert.Equal("inputs_embeds", (string?)config["decoder"]!["inputs"]!["inputs_embeds"]);
        Assert.Null(config["decoder"]!["inputs"]!["input_ids"]);
        Assert.Equal(SyntheticModelBuilder.EmbeddingFileName, (string?)config["embedding"]!["filename"]);
        Assert.Equal("image_features", (string?)config["embedding"]!["inputs"]!["image_features"]);
        Assert.Equal(SyntheticModelBuilder.VisionFileName, (string?)config["vision"]!["filename"]);
        Assert.Equal("pixel_values", (string?)config["vision"]!["inputs"]!["pixel_values"]);
        Assert.Equal("image_sizes", (string?)config["vision"]!["inputs"]!["image_sizes"]);
        Assert.Equal(8192, (int)config["context_length"]!);
    }

    [Fact]
    public void ProcessorConfig_TinyVision_DecodesConvertsAndAppliesThePhi3HdTransform()
    {
        var transforms = JsonNode.Parse(File.ReadAllText(Path.Combine(TestModelCache.GetOrBuild("tiny-vision"), "processor_config.json")))!["processor"]!["transforms"]!.AsArray();

        Assert.Equal(["DecodeImage", "ConvertRGB", "Phi3ImageTransform"], transforms.Select(t => (string?)t!["operation"]!["type"]));
        Assert.Equal(144, (int)transforms[2]!["operation"]!["attrs"]!["num_img_tokens"]!);
    }

    [Fact]
    public async Task BuildAsync_VisionWithExternalData_WritesADataFilePerGraph()
    {
        using var folder = new TempFolder();
        var info = await SyntheticModelBuilder.BuildAsync(folder.Path, SyntheticModelPresets.TinyVision with { ExternalData = true });

        Assert.Contains("vision.onnx.data", info.Files);
        Assert.Contains("embedding.onnx.data", info.Files);
        Assert.Contains("model.onnx.data", info.Files);
        Assert.Equal(info.TotalBytes, info.Files.Sum(f => new FileInfo(Path.Combine(folder.Path, f)).Length));
    }

    [Fact]
    public void VisionInt4_HasPhi3VisionShapes()
    {
        var preset = SyntheticModelPresets.Get("vision-int4");

        Assert.Equal((32, 3072, 32, 8192, 131072), (preset.Layers, preset.HiddenSize, preset.NumHeads, preset.IntermediateSize, preset.ContextLength));
        Assert.Equal(1024, preset.Vision!.ClipHiddenSize);
        Assert.Equal(SyntheticPrecision.Int4, preset.Precision);
        Assert.True(preset.ExternalData);
    }

    [Fact]
    public void Validate_Int4VisionWhoseMergedWidthMissesTheBlock_Throws()
    {
        var options = SyntheticModelPresets.TinyInt4 with { Vision = new SyntheticVisionOptions { ClipHiddenSize = 6 } };
        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("block size", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GenAIConfig_TextPreset_StaysPhi3WithoutVisionSections()
    {
        var config = JsonNode.Parse(GenAIConfigWriter.Create(SyntheticModelPresets.Tiny, "model.onnx"))!["model"]!;
        Assert.Equal("phi3", (string?)config["type"]);
        Assert.Null(config["vision"]);
        Assert.Null(config["embedding"]);
    }

    private static bool Contains(byte[] haystack, string needle) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0;
}
