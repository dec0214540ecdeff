using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Tests.Runtime;

public sealed class Phi3ModelTests : IDisposable
{
    private readonly string _source = TestModelCache.GetOrBuild("tiny");
    private readonly string _copy = Path.Combine(Path.GetTempPath(), "phi3-model-test-" + Guid.NewGuid().ToString("N"));

    public Phi3ModelTests()
    {
        Directory.CreateDirectory(_copy);
        foreach (string file in Directory.GetFiles(_source))
        {
            File.Copy(file, Path.Combine(_copy, Path.GetFileName(file)));
        }
    }

    private string OnnxPath => Path.Combine(_copy, SyntheticModelBuilder.OnnxFileName);

    private string ConfigPath => Path.Combine(_copy, "genai_config.json");

    public void Dispose() => Directory.Delete(_copy, recursive: true);

    [Fact]
    public void Constructor_MissingFolder_ThrowsNamingFolder()
    {
        string missing = Path.Combine(_copy, "nope");
        var ex = Assert.Throws<Phi3ModelException>(() => new Phi3Model(missing));
        Assert.Equal(missing, ex.Path);
        Assert.Contains("does not exist", ex.Message);
    }

    [Fact]
    public void Constructor_MissingGenAIConfig_ThrowsNamingFile()
    {
        File.Delete(ConfigPath);
        var ex = Assert.Throws<Phi3ModelException>(() => new Phi3Model(_copy));
        Assert.Equal(ConfigPath, ex.Path);
        Assert.Contains("genai_config.json", ex.Message);
    }

    [Theory]
    [InlineData("{\"model\": {\"type\": \"phi3\", ", "not valid JSON")]
    [InlineData("{\"model\": {\"type\": \"phi3\"}}", "context_length")]
    [InlineData("[]", "'model'")]
    public void Constructor_MalformedGenAIConfig_ThrowsNamingFileAndCause(string json, string cause)
    {
        File.WriteAllText(ConfigPath, json);
        var ex = Assert.Throws<Phi3ModelException>(() => new Phi3Model(_copy));
        Assert.Equal(ConfigPath, ex.Path);
        Assert.Contains(cause, ex.Message);
    }

    [Fact]
    public void Constructor_MissingOnnxFile_ThrowsNamingFile()
    {
        File.Delete(OnnxPath);
        var ex = Assert.Throws<Phi3ModelException>(() => new Phi3Model(_copy));
        Assert.Equal(OnnxPath, ex.Path);
        Assert.Contains("does not exist", ex.Message);
    }

    [Fact]
    public void Constructor_TruncatedOnnxFile_ThrowsTruncated()
    {
        using (var stream = new FileStream(OnnxPath, FileMode.Open))
        {
            stream.SetLength(stream.Length / 2);
        }

        var ex = Assert.Throws<Phi3ModelException>(() => new Phi3Model(_copy));
        Assert.Equal(OnnxPath, ex.Path);
        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void Constructor_EmptyOnnxFile_ThrowsEmpty()
    {
        File.WriteAllBytes(OnnxPath, []);
        var ex = Assert.Throws<Phi3ModelException>(() => new Phi3Model(_copy));
        Assert.Contains("empty", ex.Message);
    }

    [Fact]
    public void Constructor_NotAnOnnxFile_ThrowsNotOnnx()
    {
        File.WriteAllText(OnnxPath, "<html>Rate limited</html>");
        var ex = Assert.Throws<Phi3ModelException>(() => new Phi3Model(_copy));
        Assert.Equal(OnnxPath, ex.Path);
    }

    [Fact]
    public void Constructor_MissingTokenizer_ThrowsNamingFolder()
    {
        File.Delete(Path.Combine(_copy, "tokenizer.json"));
        var ex = Assert.Throws<Phi3ModelException>(() => new Phi3Model(_copy));
        Assert.Contains("tokenizer", ex.Message);
    }

    [Fact]
    public void Constructor_ValidFolder_ReadsConfig()
    {
        using var model = new Phi3Model(_copy);
        Assert.Equal(4096, model.ContextLength);
        Assert.Equal("phi3", model.ModelType);
        Assert.Equal([32000, 32001, 32007], model.EosTokenIds.Order());
    }

    [Fact]
    public void Constructor_ValidFolder_KvBytesPerTokenFromConfigAndGraph()
    {
        using var model = new Phi3Model(_copy);

        // The tiny model: 2 layers, 4 KV heads of 32, an fp32 cache; key and value.
        Assert.Equal(4, model.KvCache.ElementBytes);
        Assert.Equal(2L * 2 * 4 * 32 * 4, model.KvBytesPerToken);
    }

    [Fact]
    public async Task Constructor_FromConfig_LoadsAndGenerates()
    {
        using var config = new Config(_copy);
        config.ClearProviders();
        using var model = new Phi3Model(_copy, config);
        using var client = new Phi3ChatClient(model);
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { MaxOutputTokens = 3 });
        Assert.Equal(3, response.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task Model_SharedByTwoClients_BothWorkAndDisposingOneKeepsModel()
    {
        using var model = new Phi3Model(_copy);
        var first = new Phi3ChatClient(model);
        using var second = new Phi3ChatClient(model);
        var a = await first.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { MaxOutputTokens = 4 });
        first.Dispose();
        var b = await second.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { MaxOutputTokens = 4 });
        Assert.Equal(a.Text, b.Text);
        Assert.False(model.IsDisposed);
    }

    [Fact]
    public void Dispose_WithLeaseHeld_DefersFreeAndBlocksNewUse()
    {
        var model = new Phi3Model(_copy);
        var lease = model.AcquireLease();
        model.Dispose();
        model.Dispose();
        Assert.Throws<ObjectDisposedException>(() => model.Tokenizer);
        Assert.Throws<ObjectDisposedException>(() => model.AcquireLease());

        // Native objects are still alive for the lease holder.
        using (var sequences = model.NativeTokenizer.Encode("Hello world!"))
        {
            Assert.Equal([15043, 3186, 29991], sequences[0].ToArray());
        }

        lease.Dispose();
        lease.Dispose();
    }
}
