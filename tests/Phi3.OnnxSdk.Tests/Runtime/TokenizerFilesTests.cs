using Phi3.OnnxSdk.Runtime;
using Phi3.OnnxSdk.SyntheticModels;

namespace Phi3.OnnxSdk.Tests.Runtime;

public sealed class TokenizerFilesTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "phi3-tokenizer-files-" + Guid.NewGuid().ToString("N"));

    public TokenizerFilesTests()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Path.Combine(_folder, TokenizerFiles.ConfigFileName), "{}");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Load_TinyModel_ReadsIdsByteTokensAndAddedTokens()
    {
        var files = TokenizerFiles.Load(TestModelCache.GetOrBuild("tiny"));

        Assert.Equal(32010, files.MaxTokenId);
        Assert.Contains(32007, files.TokenIds!);
        Assert.Equal(3, files.ByteTokenIds![0]);
        Assert.Equal(3 + 0xFF, files.ByteTokenIds[0xFF]);
        Assert.Contains("<|end|>", files.AddedTexts);
        Assert.DoesNotContain("<|end|>", files.Pieces);
    }

    [Fact]
    public void Load_UnigramVocabulary_IdsAreIndexes()
    {
        Write("""{"model":{"type":"Unigram","vocab":[["<unk>",0],["a",-1.5],["b",-2]]},"added_tokens":[{"id":3,"content":"<|x|>"}]}""");

        var files = TokenizerFiles.Load(_folder);

        Assert.Equal([0, 1, 2, 3], files.TokenIds!.Order());
        Assert.Null(files.ByteTokenIds);
    }

    [Theory]
    [InlineData("""{"model":{"vocab":{"a":"zero"}}}""", "the piece 'a'")]
    [InlineData("""{"model":{"vocab":{}}}""", "empty")]
    [InlineData("""{"model":{"vocab":{"a":0}},"added_tokens":[{"id":5}]}""", "added_tokens")]
    [InlineData("""{"model":{"vocab":[["a"],5]}}""", "entry 1")]
    [InlineData("""{"version":"1.0"}""", "model.vocab")]
    public void Load_NotATokenizer_ThrowsNamingTheFileAndWhy(string json, string why)
    {
        Write(json);
        var ex = Assert.Throws<Phi3ModelException>(() => TokenizerFiles.Load(_folder));
        Assert.Equal(Path.Combine(_folder, TokenizerFiles.JsonFileName), ex.Path);
        Assert.Contains(why, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TokenizerConfigNotAnObject_ThrowsNamingIt()
    {
        Write("""{"model":{"vocab":{"a":0}}}""");
        File.WriteAllText(Path.Combine(_folder, TokenizerFiles.ConfigFileName), "[1]");
        var ex = Assert.Throws<Phi3ModelException>(() => TokenizerFiles.Load(_folder));
        Assert.Equal(Path.Combine(_folder, TokenizerFiles.ConfigFileName), ex.Path);
    }

    [Fact]
    public void Load_OnlySentencePieceModel_KnowsNoIds()
    {
        File.WriteAllBytes(Path.Combine(_folder, TokenizerFiles.SentencePieceFileName), [1, 2, 3]);
        var files = TokenizerFiles.Load(_folder);
        Assert.Null(files.JsonPath);
        Assert.Null(files.TokenIds);
    }

    private void Write(string json) => File.WriteAllText(Path.Combine(_folder, TokenizerFiles.JsonFileName), json);
}
