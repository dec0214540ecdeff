using System.Text.Json;
using Phi3.OnnxSdk.Runtime;

namespace Phi3.OnnxSdk.Tests.Runtime;

public sealed class GenAIConfigFieldTypesTests
{
    private const string Path = "/models/x/genai_config.json";

    [Theory]
    [InlineData("""{"model":{"context_length":"4096"}}""", "model.context_length", "a string")]
    [InlineData("""{"model":{"context_length":4096.5}}""", "model.context_length", "4096.5")]
    [InlineData("""{"model":{"eos_token_id":[32000,"32001"]}}""", "model.eos_token_id", "an array")]
    [InlineData("""{"model":{"decoder":{"head_size":null}}}""", "model.decoder.head_size", "null")]
    [InlineData("""{"model":{"type":3}}""", "model.type", "the number 3")]
    [InlineData("""{"search":{"do_sample":"false"}}""", "search.do_sample", "true or false")]
    [InlineData("""{"search":{"temperature":"hot"}}""", "search.temperature", "finite number")]
    [InlineData("""{"model":{"decoder":[]}}""", "model.decoder", "JSON object")]
    public void Check_FieldOfTheWrongType_ThrowsNamingFileAndField(string json, string field, string said)
    {
        using var document = JsonDocument.Parse(json);
        var ex = Assert.Throws<Phi3ModelException>(() => GenAIConfigFieldTypes.Check(Path, document.RootElement));
        Assert.Equal(Path, ex.Path);
        Assert.Contains($"'{field}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(said, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model":{"context_length":4096,"eos_token_id":32000,"decoder":{"head_size":96}},"search":{"do_sample":false,"temperature":1}}""")]
    [InlineData("""{"model":{"eos_token_id":[32000,32001]}}""")]
    [InlineData("""{"other":{"anything":"goes"}}""")]
    [InlineData("[]")]
    public void Check_FieldsOfTheRightTypesOrAbsent_Passes(string json)
    {
        using var document = JsonDocument.Parse(json);
        GenAIConfigFieldTypes.Check(Path, document.RootElement);
    }
}
