using System.Text.Json;
using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.Tools;

namespace Phi3.OnnxSdk.Tests.Tools;

[Collection(SyntheticModelGroup.Name)]
public sealed class ToolGuidanceValidatorTests(SyntheticModelFixture model)
{
    [Theory]
    [InlineData("""{"type":"object","properties":{"x":{"$ref":"#/$defs/missing"}}}""", "AnyObject", "missing")]
    [InlineData("""{"type":"object","properties":{"x":{"type":"nonsense"}}}""", "AnyObject", "nonsense")]
    [InlineData("""{"type":"object","properties":{"x":{"type":"string","pattern":"[unclosed","maxLength":4}}}""", "WithoutPatterns", "unclosed")]
    [InlineData("""{"type":"object","properties":{"m":{"type":"object","patternProperties":{"^a":{"type":"integer"},"^ab":{"type":"string"}}}}}""", "AnyObject", "disjoint")]
    public void EnsureCompiles_ToolSchemaGuidanceCannotCompile_RelaxesOnlyThatTool(string schema, string fallbackName, string cause)
    {
        var expected = Enum.Parse<ToolSchemaFallback>(fallbackName);
        var bad = TestTools.Declare("bad_tool", "Broken.", schema);
        var plan = ToolCallingPlan.Create(new ChatOptions { Tools = [TestTools.Weather, bad] });

        var compiled = ToolGuidanceValidator.EnsureCompiles(model.Model, plan, out var fallbacks);

        var (tool, fallback, error) = Assert.Single(fallbacks);
        Assert.Equal(("bad_tool", expected), (tool, fallback));
        Assert.Contains(cause, error, StringComparison.Ordinal);
        Assert.Equal(expected, compiled.Callable.Single(t => t.Name == "bad_tool").Fallback);
        Assert.Equal(ToolSchemaFallback.Full, compiled.Callable.Single(t => t.Name == "get_weather").Fallback);
        Assert.Contains(TestTools.WeatherSchema.Trim()[..20], compiled.SystemAddition, StringComparison.Ordinal);
        Assert.Contains(compiled.Relaxations, r => r.Owner == "bad_tool");
        Assert.DoesNotContain(compiled.Relaxations, r => r.Owner == "get_weather");

        // The same request again is answered from what was learnt, with the same outcome.
        var again = ToolGuidanceValidator.EnsureCompiles(model.Model, ToolCallingPlan.Create(new ChatOptions { Tools = [TestTools.Weather, bad] }), out var remembered);
        Assert.Equal(compiled.Guidance, again.Guidance);
        Assert.Equal(fallbacks, remembered);
    }

    [Fact]
    public void EnsureCompiles_BadResponseSchema_RelaxedDownTheLadderAndChecked()
    {
        var format = ChatResponseFormat.ForJsonSchema(JsonDocument.Parse("""{"type":"object","properties":{"x":{"type":"nonsense"}}}""").RootElement);
        var plan = ToolCallingPlan.Create(new ChatOptions { Tools = [TestTools.Weather], ResponseFormat = format });

        var compiled = ToolGuidanceValidator.EnsureCompiles(model.Model, plan, out var fallbacks);

        var (owner, fallback, error) = Assert.Single(fallbacks);
        Assert.Equal(ToolGuidanceValidator.ResponseFormatKey, owner);
        Assert.Equal(ToolSchemaFallback.AnyObject, fallback);
        Assert.Contains("nonsense", error, StringComparison.Ordinal);
        Assert.Equal(ToolSchemaFallback.AnyObject, compiled.ResponseFallback);
        Assert.NotNull(compiled.CreateResponseFormatCheck());
        Assert.Contains(compiled.Relaxations, r => r.Owner is null && r.Keyword == SchemaRelaxation.WholeSchema);
    }

    [Fact]
    public void EnsureCompiles_ValidTools_SamePlanNoFallbacks()
    {
        var plan = ToolCallingPlan.Create(new ChatOptions { Tools = [TestTools.Weather, TestTools.Add, AIFunctionFactory.Create((string city, int days) => city, "forecast")] });

        var compiled = ToolGuidanceValidator.EnsureCompiles(model.Model, plan, out var fallbacks);

        Assert.Same(plan, compiled);
        Assert.Empty(fallbacks);
    }
}
