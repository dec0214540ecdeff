using Phi3.OnnxSdk.SyntheticModels.Tokenizer;

namespace Phi3.OnnxSdk.SyntheticModels.Tests.Tokenizer;

public class LlamaVocabularyTests
{
    [Fact]
    public async Task GetAsync_RealPackage_HasTheLlama2Layout()
    {
        var vocabulary = await LlamaVocabularySource.GetAsync(SyntheticModelBuilder.DefaultCacheFolder);

        Assert.Equal(32000, vocabulary.Pieces.Count);
        Assert.Equal(["<unk>", "<s>", "</s>", "<0x00>"], vocabulary.Pieces.Take(4));
        Assert.Equal("<0xFF>", vocabulary.Pieces[258]);
        Assert.Equal("\u2581Hello", vocabulary.Pieces[15043]);
        Assert.Equal("!", vocabulary.Pieces[29991]);
        Assert.True(vocabulary.Merges.Count > 60000, $"{vocabulary.Merges.Count} merges");
    }

    [Fact]
    public void ParseScript_MissingConstant_ThrowsInvalidData()
    {
        var ex = Assert.Throws<InvalidDataException>(() => LlamaVocabulary.ParseScript("const other = \"\";"));
        Assert.Contains("llama_vocab_base64", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseScript_WrongPieceCount_ThrowsInvalidData()
    {
        string vocab = Convert.ToBase64String("a\nb"u8.ToArray());
        var ex = Assert.Throws<InvalidDataException>(() => LlamaVocabulary.ParseScript($"const llama_vocab_base64 = \"{vocab}\";\nconst llama_merges_binary = \"\";"));
        Assert.Contains("32000", ex.Message, StringComparison.Ordinal);
    }
}
