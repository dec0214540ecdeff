using System.Text.Json;
using Phi3.OnnxSdk.Tools;

namespace Phi3.OnnxSdk.Tests.Tools;

public sealed class ToolCallParserTests
{
    private static readonly string[] s_names = ["get_weather", "add"];

    [Fact]
    public void TryParse_ParallelCalls_ReturnsEachWithFreshIdAndJsonArguments()
    {
        const string text = "<tool_call>[{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Oslo\",\"unit\":\"celsius\"}},{\"name\":\"add\",\"arguments\":{\"a\":2,\"b\":3}}]";

        Assert.True(ToolCallParser.TryParse(text, s_names, out var calls));

        Assert.Equal(["get_weather", "add"], calls.Select(c => c.Name));
        Assert.Equal("Oslo", ((JsonElement)calls[0].Arguments!["city"]!).GetString());
        Assert.Equal(3, ((JsonElement)calls[1].Arguments!["b"]!).GetInt32());
        Assert.All(calls, c => Assert.StartsWith("call_", c.CallId, StringComparison.Ordinal));
        Assert.NotEqual(calls[0].CallId, calls[1].CallId);
    }

    [Theory]
    [InlineData("The weather is fine.")]
    [InlineData("<tool_call>[{\"name\":\"send_mail\",\"arguments\":{}}]")]
    [InlineData("<tool_call>[{\"name\":\"add\",\"arguments\":{\"a\":2,")]
    [InlineData("<tool_call>[]")]
    [InlineData("<tool_call>[{\"name\":\"add\",\"arguments\":[1,2]}]")]
    public void TryParse_NotACompleteKnownCall_ReturnsFalse(string text)
    {
        Assert.False(ToolCallParser.TryParse(text, s_names, out var calls));
        Assert.Empty(calls);
    }

    [Fact]
    public void TryParse_LeadingWhitespace_StillParses()
    {
        Assert.True(ToolCallParser.TryParse(" \n<tool_call>[{\"name\":\"add\",\"arguments\":{}}]", s_names, out var calls));
        Assert.Empty(calls[0].Arguments!);
    }
}
