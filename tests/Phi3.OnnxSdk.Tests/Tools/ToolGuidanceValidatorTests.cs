using System.Text.Json;
using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.Tools;

namespace Phi3.OnnxSdk.Tests.Tools;

[Collection(SyntheticModelGroup.Name)]
public sealed class ToolGuidanceValidatorTests(SyntheticModelFixture model)
{
    [Theory]
    [InlineData("""{"type":"object","properties":{"x":{"$ref":"#/$defs/missing"}}}""", "missing")]
    [InlineData("""{"type":"object","properties":{"x":{"type":"nonsense"}}}""", "nonsense")]
    public void EnsureCompiles_SchemaGuidanceCannotCompile_ThrowsNamingTheTool(string schema, string cause)
    {
        var bad = TestTools.Declare("bad_tool", "Broken.", schema);
        var plan = ToolCallingPlan.Create(new ChatOptions { Tools = [TestTools.Weather, bad] });

        var ex = Assert.Throws<Phi3ToolSchemaException>(() => ToolGuidanceValidator.EnsureCompiles(model.Model, plan));

        Assert.Equal("bad_tool", ex.ToolName);
        Assert.Contains("'bad_tool'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(cause, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureCompiles_BadResponseSchema_ThrowsNamingTheResponseFormat()
    {
        var format = ChatResponseFormat.ForJsonSchema(JsonDocument.Parse("""{"type":"object","properties":{"x":{"type":"nonsense"}}}""").RootElement);
        var plan = ToolCallingPlan.Create(new ChatOptions { Tools = [TestTools.Weather], ResponseFormat = format });

        var ex = Assert.Throws<Phi3ToolSchemaException>(() => ToolGuidanceValidator.EnsureCompiles(model.Model, plan));

        Assert.Null(ex.ToolName);
        Assert.Contains("response-format", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureCompiles_ValidTools_DoesNotThrow()
    {
        var plan = ToolCallingPlan.Create(new ChatOptions { Tools = [TestTools.Weather, TestTools.Add, AIFunctionFactory.Create((string city, int days) => city, "forecast")] });

        var ex = Record.Exception(() => ToolGuidanceValidator.EnsureCompiles(model.Model, plan));

        Assert.Null(ex);
    }
}
