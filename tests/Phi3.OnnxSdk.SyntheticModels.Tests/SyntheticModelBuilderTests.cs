using System.Text;
using Phi3.OnnxSdk.SyntheticModels.Tests.TestSupport;

namespace Phi3.OnnxSdk.SyntheticModels.Tests;

public class SyntheticModelBuilderTests
{
    private const string Prompt = "<|user|>\nHow are you?<|end|>\n<|assistant|>\n";

    [Theory]
    [InlineData("tiny")]
    [InlineData("tiny-int4")]
    public void BuiltModel_LoadsAndGeneratesGreedilyAndDeterministically(string preset)
    {
        string folder = TestModelCache.GetOrBuild(preset);

        int[] first = Greedy.Generate(folder, Prompt, 12);
        int[] second = Greedy.Generate(folder, Prompt, 12);

        Assert.Equal(12, first.Length);
        Assert.Equal(first, second);
        Assert.All(first, id => Assert.InRange(id, 0, SyntheticModelOptions.Phi3VocabSize - 1));
    }

    [Fact]
    public void BuiltModel_DifferentPrompts_GiveDifferentContinuations()
    {
        // Attention and the MLP must matter, not only the last token: the same final tokens after
        // different histories should continue differently.
        string folder = TestModelCache.GetOrBuild("tiny");
        int[] a = Greedy.Generate(folder, "<|user|>\nThe cat sat on the mat.<|end|>\n<|assistant|>\n", 8);
        int[] b = Greedy.Generate(folder, "<|user|>\nQuantum fields are strange.<|end|>\n<|assistant|>\n", 8);
        Assert.NotEqual(a, b);
    }

    [Theory]
    [InlineData("tiny", "MatMul", "SimplifiedLayerNormalization")]
    [InlineData("tiny-int4", "MatMulNBits", "accuracy_level")]
    public void BuiltModel_UsesPhi3Operators(string preset, string projectionOp, string marker)
    {
        byte[] onnx = File.ReadAllBytes(Path.Combine(TestModelCache.GetOrBuild(preset), SyntheticModelBuilder.OnnxFileName));
        foreach (string op in new[] { "Gather", "SkipSimplifiedLayerNormalization", "GroupQueryAttention", "Sigmoid", "com.microsoft", projectionOp, marker,
                                      "past_key_values.1.value", "present.1.key", "logits", "cos_cache" })
        {
            Assert.True(Contains(onnx, op), $"model.onnx of {preset} should mention '{op}'");
        }
    }

    [Fact]
    public async Task BuildAsync_SamePresetAndSeed_WritesByteIdenticalFiles()
    {
        using var a = new TempFolder();
        using var b = new TempFolder();
        var options = SyntheticModelPresets.TinyInt4 with { Seed = 7, ExternalData = true };

        var first = await SyntheticModelBuilder.BuildAsync(a.Path, options);
        var second = await SyntheticModelBuilder.BuildAsync(b.Path, options);

        Assert.Contains(SyntheticModelBuilder.ExternalDataFileName, first.Files);
        Assert.Equal(first.Files, second.Files);
        foreach (string file in first.Files)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(a.Path, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b.Path, file))), $"{file} differs between two builds");
        }
    }

    [Fact]
    public async Task BuildAsync_OtherSeed_WritesDifferentWeights()
    {
        using var a = new TempFolder();
        using var b = new TempFolder();

        await SyntheticModelBuilder.BuildAsync(a.Path, SyntheticModelPresets.Tiny with { Seed = 1 });
        await SyntheticModelBuilder.BuildAsync(b.Path, SyntheticModelPresets.Tiny with { Seed = 2 });

        byte[] onnxA = File.ReadAllBytes(Path.Combine(a.Path, SyntheticModelBuilder.OnnxFileName));
        byte[] onnxB = File.ReadAllBytes(Path.Combine(b.Path, SyntheticModelBuilder.OnnxFileName));
        Assert.Equal(onnxA.Length, onnxB.Length);
        Assert.False(onnxA.AsSpan().SequenceEqual(onnxB));
        Assert.Equal(File.ReadAllBytes(Path.Combine(a.Path, "tokenizer.json")), File.ReadAllBytes(Path.Combine(b.Path, "tokenizer.json")));
    }

    [Fact]
    public async Task BuildAsync_ExternalData_KeepsWeightsOutOfTheGraphAndStillLoads()
    {
        using var folder = new TempFolder();
        var info = await SyntheticModelBuilder.BuildAsync(folder.Path, SyntheticModelPresets.Tiny with { ExternalData = true });

        long graphBytes = new FileInfo(Path.Combine(folder.Path, SyntheticModelBuilder.OnnxFileName)).Length;
        long dataBytes = new FileInfo(Path.Combine(folder.Path, SyntheticModelBuilder.ExternalDataFileName)).Length;
        Assert.True(graphBytes < 100_000, $"graph is {graphBytes} bytes");
        Assert.True(dataBytes > 30_000_000, $"data is {dataBytes} bytes");
        Assert.Equal(info.TotalBytes, info.Files.Sum(f => new FileInfo(Path.Combine(folder.Path, f)).Length));
        Assert.Equal(Greedy.Generate(TestModelCache.GetOrBuild("tiny"), Prompt, 6), Greedy.Generate(folder.Path, Prompt, 6));
    }

    [Fact]
    public async Task BuildAsync_OverriddenShape_LoadsWithThatShape()
    {
        using var folder = new TempFolder();
        var options = SyntheticModelPresets.Tiny with { Layers = 3, HiddenSize = 64, NumHeads = 2, NumKeyValueHeads = 1, IntermediateSize = 96, ContextLength = 512 };

        await SyntheticModelBuilder.BuildAsync(folder.Path, options);

        string config = File.ReadAllText(Path.Combine(folder.Path, "genai_config.json"));
        Assert.Contains("\"num_hidden_layers\": 3", config, StringComparison.Ordinal);
        Assert.Contains("\"num_key_value_heads\": 1", config, StringComparison.Ordinal);
        Assert.Equal(5, Greedy.Generate(folder.Path, Prompt, 5).Length);
    }

    [Fact]
    public async Task BuildAsync_FolderUnderAFile_ThrowsIOExceptionNamingIt()
    {
        using var temp = new TempFolder();
        string file = Path.Combine(temp.Path, "not-a-folder");
        await File.WriteAllTextAsync(file, "x");

        var ex = await Assert.ThrowsAsync<IOException>(() => SyntheticModelBuilder.BuildAsync(Path.Combine(file, "model"), SyntheticModelPresets.Tiny));
        Assert.Contains("not-a-folder", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetOrBuild_SecondCall_ReturnsTheSameCompleteFolder()
    {
        string first = TestModelCache.GetOrBuild("tiny");
        DateTime written = File.GetLastWriteTimeUtc(Path.Combine(first, SyntheticModelBuilder.OnnxFileName));

        string second = TestModelCache.GetOrBuild("tiny");

        Assert.Equal(first, second);
        Assert.True(File.Exists(Path.Combine(first, ".complete")));
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(second, SyntheticModelBuilder.OnnxFileName)));
    }

    private static bool Contains(byte[] haystack, string needle) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0;
}
