using Phi3.OnnxSdk.SyntheticModels.Tokenizer;

namespace Phi3.OnnxSdk.SyntheticModels.Tests.Tokenizer;

public sealed class Phi3TokenizerTests : IDisposable
{
    private readonly Model _model;
    private readonly Microsoft.ML.OnnxRuntimeGenAI.Tokenizer _tokenizer;

    public Phi3TokenizerTests()
    {
        _model = new Model(TestModelCache.GetOrBuild("tiny"));
        _tokenizer = new Microsoft.ML.OnnxRuntimeGenAI.Tokenizer(_model);
    }

    public void Dispose()
    {
        _tokenizer.Dispose();
        _model.Dispose();
    }

    [Fact]
    public void Encode_EachPhi3SpecialToken_GivesItsRealId()
    {
        Assert.Equal(11, Phi3SpecialToken.Added.Count);
        foreach (var token in Phi3SpecialToken.Added)
        {
            Assert.Equal([token.Id], Encode(token.Content));
        }
    }

    [Fact]
    public void Encode_ChatTurn_MatchesTheRealTokenizer()
    {
        Assert.Equal([32010, 1128, 526, 366, 29973, 32007, 32001], Encode("<|user|>\nHow are you?<|end|>\n<|assistant|>\n"));
    }

    [Fact]
    public void Encode_HelloWorld_MatchesTheLlamaTokenizerReadme()
    {
        Assert.Equal([15043, 3186, 29991], Encode("Hello world!"));
    }

    [Theory]
    [InlineData("Hello world!")]
    [InlineData("  two leading spaces")]
    [InlineData(" one leading space")]
    [InlineData("naïve café déjà vu")]
    [InlineData("日本語のテキストです")]
    [InlineData("emoji 🙂 and 🚀 rockets")]
    [InlineData("tabs\tand\nnewlines")]
    [InlineData("The quick brown fox jumps over the lazy dog, 12345 times.")]
    [InlineData("Ünïcödé Ωmega ∑ ≠ ≤")]
    public async Task Encode_OrdinaryText_MatchesIdsDerivedFromTheVocabularyFile(string text)
    {
        var vocabulary = await LlamaVocabularySource.GetAsync(SyntheticModelBuilder.DefaultCacheFolder);
        int[] expected = new ReferenceBpe(vocabulary).Encode(text);

        Assert.Equal(expected, Encode(text));
    }

    [Fact]
    public void Decode_OrdinaryText_RoundTrips()
    {
        const string text = "naïve café 🙂 done";
        Assert.Equal(text, _tokenizer.Decode(Encode(text)).TrimStart());
    }

    [Fact]
    public void TokenizerConfig_CarriesThePhi3ChatTemplate()
    {
        string config = File.ReadAllText(Path.Combine(TestModelCache.GetOrBuild("tiny"), "tokenizer_config.json"));
        Assert.Contains("<|assistant|>\\n", config, StringComparison.Ordinal);
        Assert.Contains("add_generation_prompt", config, StringComparison.Ordinal);
    }

    private int[] Encode(string text)
    {
        using var sequences = _tokenizer.Encode(text);
        return sequences[0].ToArray();
    }
}
