using System.Text.Json.Nodes;
using Phi3.OnnxSdk.Runtime;
using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Tests.Runtime;

public sealed class KvCacheLayoutTests : IDisposable
{
    private const int OnnxFloat = 1;
    private const int OnnxInt64 = 7;
    private const int OnnxFloat16 = 10;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "phi3-kv-layout-test-" + Guid.NewGuid().ToString("N"));

    public KvCacheLayoutTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Load_TinyModel_BytesPerTokenIsTwoLayersKvHeadsHeadSizeFp32()
    {
        string folder = TestModelCache.GetOrBuild("tiny");
        var decoder = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "genai_config.json")))!["model"]!["decoder"]!;
        int layers = (int)decoder["num_hidden_layers"]!, kvHeads = (int)decoder["num_key_value_heads"]!, headSize = (int)decoder["head_size"]!;

        var layout = KvCacheLayout.Load(folder);

        Assert.Equal((2, 4, 32), (layers, kvHeads, headSize));
        Assert.Equal(4, layout.ElementBytes);
        Assert.Equal(2L * layers * kvHeads * headSize * 4, layout.BytesPerToken);
        Assert.Equal(2048, layout.BytesPerToken);
    }

    [Fact]
    public void Load_Fp16GraphAndOtherDimensions_UsesConfigNumbersAndGraphElementType()
    {
        WriteConfig(layers: 3, kvHeads: 2, headSize: 48, pastKeyNames: "past.%d.k");
        WriteOnnx(("input_ids", OnnxInt64), ("past.0.k", OnnxFloat16), ("past.0.v", OnnxFloat16));

        var layout = KvCacheLayout.Load(_folder);

        Assert.Equal((3, 2, 48, 2), (layout.Layers, layout.KeyValueHeads, layout.HeadSize, layout.ElementBytes));
        Assert.Equal(2L * 3 * 2 * 48 * 2, layout.BytesPerToken);
    }

    [Fact]
    public void Load_DefaultPastKeyNames_ReadsFp32OfPastKeyValuesInput()
    {
        WriteConfig(layers: 32, kvHeads: 32, headSize: 96, pastKeyNames: null);
        WriteOnnx(("input_ids", OnnxInt64), ("past_key_values.0.key", OnnxFloat));

        var layout = KvCacheLayout.Load(_folder);

        // Phi-3-mini CPU int4: 768 KiB per token.
        Assert.Equal(768 * 1024, layout.BytesPerToken);
    }

    [Fact]
    public void Load_GraphWithoutPastKeyInput_AssumesFp32()
    {
        WriteConfig(layers: 3, kvHeads: 2, headSize: 48, pastKeyNames: "past.%d.k");
        WriteOnnx(("input_ids", OnnxInt64), ("past_key_values.0.key", OnnxFloat16));

        Assert.Equal(KvCacheLayout.FallbackElementBytes, KvCacheLayout.Load(_folder).ElementBytes);
        Assert.Equal(4, KvCacheLayout.FallbackElementBytes);
    }

    [Fact]
    public void Load_NotAnOnnxFile_AssumesFp32()
    {
        WriteConfig(layers: 3, kvHeads: 2, headSize: 48, pastKeyNames: null);
        File.WriteAllText(Path.Combine(_folder, "model.onnx"), "<html>Rate limited</html>");

        Assert.Equal(2L * 3 * 2 * 48 * 4, KvCacheLayout.Load(_folder).BytesPerToken);
    }

    [Fact]
    public void Load_NoKvHeadsNorHeadSize_FallsBackToAttentionHeadsAndHiddenSize()
    {
        WriteConfig(layers: 2, kvHeads: null, headSize: null, pastKeyNames: null, attentionHeads: 6, hiddenSize: 384);
        WriteOnnx(("past_key_values.0.key", OnnxFloat16));

        var layout = KvCacheLayout.Load(_folder);

        Assert.Equal((6, 64), (layout.KeyValueHeads, layout.HeadSize));
        Assert.Equal(2L * 2 * 6 * 64 * 2, layout.BytesPerToken);
    }

    [Fact]
    public void Load_NoLayerCount_ThrowsNamingField()
    {
        WriteConfig(layers: null, kvHeads: 2, headSize: 48, pastKeyNames: null);
        WriteOnnx(("past_key_values.0.key", OnnxFloat));

        var ex = Assert.Throws<Phi3ModelException>(() => KvCacheLayout.Load(_folder));
        Assert.Contains("num_hidden_layers", ex.Message);
    }

    [Theory]
    [InlineData(0, 2, 48)]
    [InlineData(int.MaxValue, int.MaxValue, int.MaxValue)]
    public void Load_SizesGivingNoUsableKvCache_ThrowsNamingTheConfig(int layers, int kvHeads, int headSize)
    {
        WriteConfig(layers: layers, kvHeads: kvHeads, headSize: headSize, pastKeyNames: null);
        WriteOnnx(("past_key_values.0.key", OnnxFloat));

        var ex = Assert.Throws<Phi3ModelException>(() => KvCacheLayout.Load(_folder));
        Assert.Contains("genai_config.json", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 4)]
    [InlineData(10, 2)]
    [InlineData(16, 2)]
    [InlineData(11, 8)]
    [InlineData(3, 1)]
    [InlineData(7, 4)]
    [InlineData(null, 4)]
    public void ElementBytesOf_OnnxType_IsItsSizeOrFp32(int? onnxType, int expected) =>
        Assert.Equal(expected, KvCacheLayout.ElementBytesOf(onnxType));

    private void WriteConfig(int? layers, int? kvHeads, int? headSize, string? pastKeyNames, int attentionHeads = 32, int hiddenSize = 3072)
    {
        var decoder = new JsonObject
        {
            ["filename"] = "model.onnx",
            ["hidden_size"] = hiddenSize,
            ["num_attention_heads"] = attentionHeads,
        };
        if (layers is not null)
        {
            decoder["num_hidden_layers"] = layers;
        }

        if (kvHeads is not null)
        {
            decoder["num_key_value_heads"] = kvHeads;
        }

        if (headSize is not null)
        {
            decoder["head_size"] = headSize;
        }

        if (pastKeyNames is not null)
        {
            decoder["inputs"] = new JsonObject { ["input_ids"] = "input_ids", ["past_key_names"] = pastKeyNames };
        }

        var config = new JsonObject { ["model"] = new JsonObject { ["type"] = "phi3", ["context_length"] = 4096, ["decoder"] = decoder } };
        File.WriteAllText(Path.Combine(_folder, "genai_config.json"), config.ToJsonString());
    }

    /// <summary>Writes a ModelProto whose graph has a node, an initializer, then the given tensor inputs (the order the ONNX exporter uses).</summary>
    private void WriteOnnx(params (string Name, int ElementType)[] inputs)
    {
        var graph = new List<byte>();
        graph.AddRange(Field(1, [.. Field(4, "MatMul"u8.ToArray())]));
        graph.AddRange(Field(2, "main"u8.ToArray()));
        graph.AddRange(Field(5, [.. VarintField(2, OnnxFloat), .. Field(9, new byte[4096])]));
        foreach (var (name, elementType) in inputs)
        {
            byte[] shape = [.. Field(1, [.. Field(2, "batch_size"u8.ToArray())])];
            byte[] tensor = [.. VarintField(1, (ulong)elementType), .. Field(2, shape)];
            byte[] type = Field(1, tensor);
            graph.AddRange(Field(11, [.. Field(1, System.Text.Encoding.UTF8.GetBytes(name)), .. Field(2, type)]));
        }

        byte[] model = [.. VarintField(1, 8), .. Field(2, "test"u8.ToArray()), .. Field(7, [.. graph])];
        File.WriteAllBytes(Path.Combine(_folder, "model.onnx"), model);
    }

    private static byte[] Field(int field, byte[] payload) => [.. Varint((ulong)(field << 3 | 2)), .. Varint((ulong)payload.Length), .. payload];

    private static byte[] VarintField(int field, ulong value) => [.. Varint((ulong)(field << 3)), .. Varint(value)];

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
        return [.. bytes];
    }
}
