using System.Text.Json;
using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.Tools;

namespace Phi3.OnnxSdk.Tests.Tools;

public sealed class ToolDefinitionTests
{
    [Fact]
    public void FromTools_AIFunctionFromDelegate_KeepsNameDescriptionAndObjectSchema()
    {
        var function = AIFunctionFactory.Create((string city, int days) => $"{city}:{days}", "forecast", "Forecast for a city.");

        var definition = Assert.Single(ToolDefinition.FromTools([function]));

        Assert.Equal("forecast", definition.Name);
        Assert.Equal("Forecast for a city.", definition.Description);
        Assert.Equal("object", definition.Parameters["type"]!.GetValue<string>());
        Assert.NotNull(definition.Parameters["properties"]!["city"]);
    }

    [Theory]
    [InlineData("""{"type":"string"}""", "\"type\" must be \"object\"")]
    [InlineData("""[1,2]""", "not a JSON Schema object")]
    [InlineData("""{"type":"object","properties":[]}""", "\"properties\" is not a JSON object")]
    [InlineData("""{"type":"object","required":"city"}""", "\"required\" is not a JSON array")]
    public void FromTools_InvalidSchema_ThrowsNamingTheTool(string schema, string cause)
    {
        var tool = AIFunctionFactory.CreateDeclaration("broken_tool", "x", JsonDocument.Parse(schema).RootElement.Clone());

        var ex = Assert.Throws<Phi3ToolSchemaException>(() => ToolDefinition.FromTools([tool]));

        Assert.Equal("broken_tool", ex.ToolName);
        Assert.Contains("'broken_tool'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(cause, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromTools_DuplicateNames_ThrowsNamingTheTool()
    {
        var ex = Assert.Throws<Phi3ToolSchemaException>(() => ToolDefinition.FromTools([TestTools.Add, TestTools.Add]));

        Assert.Equal("add", ex.ToolName);
    }

    [Theory]
    [InlineData("""{"type":"string"}""", "\"type\" must be \"object\"")]
    [InlineData("false", "schema false")]
    [InlineData("""{"type":"object","allOf":[{"$ref":"#"}]}""", "refers to itself at '#'")]
    public void FromTools_UnusableSchemaWithSkippedList_ToolSkippedWithReason(string schema, string cause)
    {
        var tool = AIFunctionFactory.CreateDeclaration("broken_tool", "x", JsonDocument.Parse(schema).RootElement.Clone());
        var skipped = new List<(string Tool, string Reason)>();

        var tools = ToolDefinition.FromTools([tool, TestTools.Add], skipped: skipped);

        Assert.Equal("add", Assert.Single(tools).Name);
        var (name, reason) = Assert.Single(skipped);
        Assert.Equal("broken_tool", name);
        Assert.Contains(cause, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void FromTools_DuplicateNamesWithSkippedList_FirstWins()
    {
        var second = TestTools.Declare("add", "The second add.", TestTools.AddSchema);
        var skipped = new List<(string Tool, string Reason)>();

        var tools = ToolDefinition.FromTools([TestTools.Add, second], skipped: skipped);

        Assert.Equal(TestTools.Add.Description, Assert.Single(tools).Description);
        Assert.Equal("add", Assert.Single(skipped).Tool);
    }

    [Fact]
    public void FromTools_RequiredToolUnusable_ThrowsEvenWithSkippedList()
    {
        var tool = AIFunctionFactory.CreateDeclaration("broken_tool", "x", JsonDocument.Parse("false").RootElement.Clone());

        var ex = Assert.Throws<Phi3ToolSchemaException>(() => ToolDefinition.FromTools([tool], "broken_tool", []));

        Assert.Equal("broken_tool", ex.ToolName);
    }

    [Fact]
    public void FromTools_TrueSchema_AnyObject()
    {
        var tool = AIFunctionFactory.CreateDeclaration("free_tool", "x", JsonDocument.Parse("true").RootElement.Clone());

        var definition = Assert.Single(ToolDefinition.FromTools([tool]));

        Assert.Equal("""{"type":"object","properties":{}}""", definition.Parameters.ToJsonString());
    }

    [Fact]
    public void FromTools_NonFunctionTool_ThrowsNotSupported()
    {
        var ex = Assert.Throws<NotSupportedException>(() => ToolDefinition.FromTools([new HostedWebSearchTool()]));

        Assert.Contains("AIFunctionDeclaration", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromTools_NonFunctionToolWithSkippedList_LeftOutWithReasonBesideTheFunctions()
    {
        var skipped = new List<(string Tool, string Reason)>();

        var tools = ToolDefinition.FromTools([new HostedWebSearchTool(), TestTools.Add], skipped: skipped);

        Assert.Equal("add", Assert.Single(tools).Name);
        var (_, reason) = Assert.Single(skipped);
        Assert.Contains("HostedWebSearchTool", reason, StringComparison.Ordinal);
        Assert.Contains("AIFunctionDeclaration", reason, StringComparison.Ordinal);
    }
}
