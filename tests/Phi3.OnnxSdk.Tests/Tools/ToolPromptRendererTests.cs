using System.Text.Json;
using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.Tools;

namespace Phi3.OnnxSdk.Tests.Tools;

public sealed class ToolPromptRendererTests
{
    [Fact]
    public void RenderToolInstructions_EachToolLineIsJsonWithNameDescriptionAndSchema()
    {
        var tools = ToolDefinition.FromTools([TestTools.Weather, TestTools.Add]);

        string text = ToolPromptRenderer.RenderToolInstructions(tools, ChatToolMode.Auto, 4);

        var lines = text.Split('\n').Where(l => l.StartsWith("{\"name\"", StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["get_weather", "add"], lines.Select(l => l.GetProperty("name").GetString()));
        Assert.Equal("Adds two integers.", lines[1].GetProperty("description").GetString());
        Assert.Equal(999, lines[1].GetProperty("parameters").GetProperty("properties").GetProperty("a").GetProperty("maximum").GetInt32());
        Assert.Contains("<tool_call>[", text, StringComparison.Ordinal);
        Assert.Contains("answer the user directly", text, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderToolInstructions_RequireSpecific_NamesTheTool()
    {
        var tools = ToolDefinition.FromTools([TestTools.Add]);

        Assert.EndsWith("You must call the tool 'add' now.", ToolPromptRenderer.RenderToolInstructions(tools, ChatToolMode.RequireSpecific("add"), 1), StringComparison.Ordinal);
    }

    [Fact]
    public void RenderResponseFormatInstructions_ShowsSchemaWithoutGuidanceOptions()
    {
        var schema = ToolGrammarBuilder.BuildResponseSchema(ChatResponseFormat.ForJsonSchema(JsonDocument.Parse("""{"type":"object","properties":{"ok":{"type":"boolean"}}}""").RootElement))!;

        string text = ToolPromptRenderer.RenderResponseFormatInstructions(schema);

        Assert.Contains("{\"type\":\"object\",\"properties\":{\"ok\":{\"type\":\"boolean\"}},\"additionalProperties\":false}", text, StringComparison.Ordinal);
        Assert.DoesNotContain("x-guidance", text, StringComparison.Ordinal);
    }
}
