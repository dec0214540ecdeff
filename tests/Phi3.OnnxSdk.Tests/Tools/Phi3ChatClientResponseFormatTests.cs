using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Tests.Tools;

/// <summary>JSON-schema response formats the grammar cannot enforce whole, through <see cref="Phi3ChatClient"/>.</summary>
[Collection(TinyModelGroup.Name)]
public sealed class Phi3ChatClientResponseFormatTests(TinyModelFixture model)
{
    [Fact]
    public async Task GetResponseAsync_AnswerBreaksARelaxedKeyword_ViolationReported()
    {
        using var client = new Phi3ChatClient(model.Model);

        // "not" is relaxed in the grammar and no string satisfies it: every answer breaks the schema.
        var response = await client.GetResponseAsync("Answer.", Format("""{"type":"object","properties":{"s":{"type":"string","maxLength":3,"not":{"type":"string"}}},"required":["s"]}"""));

        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        using var answer = JsonDocument.Parse(response.Text);
        var violations = Assert.IsType<string>(response.AdditionalProperties?[Phi3ChatResponseKeys.ResponseFormatViolations]);
        Assert.Equal("/s: does not satisfy \"not\":{\"type\":\"string\"}", violations);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_SchemaGuidanceCannotCompile_RelaxedLoggedAndChecked()
    {
        var logger = new Hub.CapturingLogger();
        using var client = new Phi3ChatClient(model.Model, new Phi3ChatClientOptions { Logger = logger });

        // Guidance refuses the unknown type; the ladder ends at "any JSON object", and the check then finds the missing property.
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("Answer.", Format("""{"type":"object","properties":{"x":{"type":"nonsense"}},"required":["must_have"]}""")))
        {
            updates.Add(update);
        }

        var last = updates[^1];
        Assert.NotNull(last.FinishReason);
        if (last.FinishReason == ChatFinishReason.Stop)
        {
            Assert.Contains("\"required\"", Assert.IsType<string>(last.AdditionalProperties?[Phi3ChatResponseKeys.ResponseFormatViolations]), StringComparison.Ordinal);
        }

        Assert.Single(logger.Messages, m => m.StartsWith("Warning: The JSON response-format schema does not compile", StringComparison.Ordinal) && m.Contains("any JSON object", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetResponseAsync_SchemaTheGrammarEnforces_NoCheckNoViolation()
    {
        using var client = new Phi3ChatClient(model.Model);

        var response = await client.GetResponseAsync("Answer.", Format("""{"type":"object","properties":{"n":{"type":"integer","minimum":0,"maximum":9}},"required":["n"]}"""));

        Assert.False(response.AdditionalProperties?.ContainsKey(Phi3ChatResponseKeys.ResponseFormatViolations) ?? false);
    }

    private static ChatOptions Format(string schema) =>
        new() { MaxOutputTokens = 60, ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonDocument.Parse(schema).RootElement.Clone(), "answer") };
}
