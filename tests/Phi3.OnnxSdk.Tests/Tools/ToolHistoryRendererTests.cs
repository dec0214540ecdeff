using System.Text.Json;
using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.Tools;

namespace Phi3.OnnxSdk.Tests.Tools;

public sealed class ToolHistoryRendererTests
{
    [Fact]
    public void Rewrite_CallAndResults_RendersCallTextAndResultsAsOneUserTurn()
    {
        var args = new Dictionary<string, object?> { ["a"] = 2, ["b"] = 3 };
        List<ChatMessage> history =
        [
            new(ChatRole.User, "Add 2 and 3, and weather in Oslo."),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "add", args), new FunctionCallContent("c2", "get_weather", new Dictionary<string, object?> { ["city"] = "Oslo" })]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", 5)]),
            new(ChatRole.Tool, [new FunctionResultContent("c2", "sunny")]),
        ];

        var rewritten = ToolHistoryRenderer.Rewrite(history, null);

        Assert.Equal(3, rewritten.Count);
        Assert.Equal(ChatRole.Assistant, rewritten[1].Role);
        Assert.Equal("<tool_call>[{\"name\":\"add\",\"arguments\":{\"a\":2,\"b\":3}},{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Oslo\"}}]", rewritten[1].Text);
        Assert.Equal(ChatRole.User, rewritten[2].Role);
        Assert.Equal(
            "<tool_response>{\"name\":\"add\",\"result\":5}</tool_response>\n<tool_response>{\"name\":\"get_weather\",\"result\":\"sunny\"}</tool_response>",
            rewritten[2].Text);
    }

    [Fact]
    public void Rewrite_RenderedCalls_ParseBackToTheSameCalls()
    {
        var call = new FunctionCallContent("c1", "add", new Dictionary<string, object?> { ["a"] = 7, ["b"] = -1 });

        var text = ToolHistoryRenderer.Rewrite([new ChatMessage(ChatRole.Assistant, [call])], null)[0].Text;

        Assert.True(ToolCallParser.TryParse(text, ["add"], out var parsed));
        Assert.Equal(7, ((JsonElement)parsed[0].Arguments!["a"]!).GetInt32());
        Assert.Equal(-1, ((JsonElement)parsed[0].Arguments!["b"]!).GetInt32());
    }

    [Fact]
    public void Rewrite_SystemAddition_AppendsToExistingSystemMessage()
    {
        var rewritten = ToolHistoryRenderer.Rewrite([new(ChatRole.System, "Be brief."), new(ChatRole.User, "Hi")], "# Tools");

        Assert.Equal(2, rewritten.Count);
        Assert.Equal("Be brief.\n\n# Tools", rewritten[0].Text);
    }

    [Fact]
    public void Rewrite_SystemAdditionWithoutSystemMessage_InsertsOneFirst()
    {
        var rewritten = ToolHistoryRenderer.Rewrite([new(ChatRole.User, "Hi")], "# Tools");

        Assert.Equal(ChatRole.System, rewritten[0].Role);
        Assert.Equal("# Tools", rewritten[0].Text);
        Assert.Equal("Hi", rewritten[1].Text);
    }

    [Fact]
    public void Rewrite_NoToolContent_KeepsMessagesAsTheyAre()
    {
        var user = new ChatMessage(ChatRole.User, "Hi");

        Assert.Same(user, Assert.Single(ToolHistoryRenderer.Rewrite([user], null)));
    }

    [Fact]
    public void Rewrite_SystemAdditionToASystemMessageWithAnImage_KeepsTheImage()
    {
        var image = new DataContent(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, "image/png");

        var rewritten = ToolHistoryRenderer.Rewrite([new(ChatRole.System, [new TextContent("Be brief."), image]), new(ChatRole.User, "Hi")], "# Tools");

        Assert.Same(image, rewritten[0].Contents[1]);
        Assert.Equal("Be brief.\n\n# Tools", rewritten[0].Text);
    }

    [Fact]
    public void Rewrite_ToolMessageWithAnImageUri_NotSupportedNamingTheRoleAndWhatToDo()
    {
        var image = new UriContent(new Uri("file:///tmp/never-read.png"), "image/png");

        var ex = Assert.Throws<NotSupportedException>(() => ToolHistoryRenderer.Rewrite([new(ChatRole.Tool, [new TextContent("done"), image])], null));

        Assert.StartsWith("A tool message holds a UriContent image (image/png);", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Send the image in a user message of its own", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rewrite_ResultsWithOtherContent_NotSupportedRatherThanDropped()
    {
        var pdf = new DataContent(new byte[] { 1, 2, 3 }, "application/pdf");

        var ex = Assert.Throws<NotSupportedException>(() => ToolHistoryRenderer.Rewrite([new(ChatRole.Tool, [new FunctionResultContent("c1", "ok"), pdf])], null));

        Assert.Equal("A tool message with function calls or results holds DataContent, which Phi-3 cannot take there; send text, function calls and function results only.", ex.Message);
    }
}
