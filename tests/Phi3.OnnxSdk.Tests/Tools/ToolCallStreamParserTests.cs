using Phi3.OnnxSdk.Tools;

namespace Phi3.OnnxSdk.Tests.Tools;

public sealed class ToolCallStreamParserTests
{
    [Fact]
    public void Append_PlainText_StreamsAsSoonAsItCannotBeTheMarker()
    {
        var parser = new ToolCallStreamParser(["add"]);

        Assert.Equal(string.Empty, parser.Append("<"));
        Assert.Equal("<b>Hi", parser.Append("b>Hi"));
        Assert.Equal(" there", parser.Append(" there"));
        Assert.Equal(string.Empty, parser.Complete(cutOff: false, out var calls, out var dropped));
        Assert.Empty(calls);
        Assert.Null(dropped);
    }

    [Fact]
    public void Append_CallTurn_HoldsEverythingBackAndCompleteReturnsCalls()
    {
        var parser = new ToolCallStreamParser(["add"]);
        string[] pieces = ["<tool", "_call>", "[{\"name\":\"add\",", "\"arguments\":{\"a\":1,\"b\":2}}]"];

        Assert.All(pieces, piece => Assert.Equal(string.Empty, parser.Append(piece)));

        Assert.Equal(string.Empty, parser.Complete(cutOff: false, out var calls, out var dropped));
        Assert.Equal("add", Assert.Single(calls).Name);
        Assert.Null(dropped);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Complete_UnfinishedCall_NoMarkupInTextAndCallReportedAsDropped(bool cutOff)
    {
        // Cut off by the token limit, or by a stop sequence (which ends the turn without the limit).
        var parser = new ToolCallStreamParser(["add"]);
        parser.Append("<tool_call>[{\"name\":\"ad");

        Assert.Equal(string.Empty, parser.Complete(cutOff, out var calls, out var dropped));
        Assert.Empty(calls);
        Assert.Equal("<tool_call>[{\"name\":\"ad", dropped);
    }

    [Fact]
    public void Complete_MarkerStartCutOffByLimit_Dropped()
    {
        var parser = new ToolCallStreamParser(["add"]);
        Assert.Equal(string.Empty, parser.Append(" <tool_c"));

        Assert.Equal(string.Empty, parser.Complete(cutOff: true, out _, out var dropped));
        Assert.Equal(" <tool_c", dropped);
    }

    [Fact]
    public void Complete_MarkerStartEndedByEndToken_IsTheAnswer()
    {
        var parser = new ToolCallStreamParser(["add"]);
        parser.Append("<tool");

        Assert.Equal("<tool", parser.Complete(cutOff: false, out _, out var dropped));
        Assert.Null(dropped);
    }

    [Fact]
    public void Complete_ArgumentsFailTheCheckUnderDrop_CallLeftOutAndDescribed()
    {
        var parser = new ToolCallStreamParser(["add"], (name, arguments) => arguments.GetProperty("a").GetInt32() > 5 ? [$"{name}: /a too big"] : []);
        parser.Append("<tool_call>[{\"name\":\"add\",\"arguments\":{\"a\":9}},{\"name\":\"add\",\"arguments\":{\"a\":1}}]");

        Assert.Empty(parser.Complete(cutOff: false, out var calls, out var dropped));

        Assert.Null(dropped);
        var kept = Assert.Single(calls);
        Assert.Null(kept.Exception);
        Assert.Equal(1, ((System.Text.Json.JsonElement)kept.Arguments!["a"]!).GetInt32());
        Assert.StartsWith("{\"name\":\"add\",\"arguments\":{\"a\":9}}: ", parser.InvalidCalls, StringComparison.Ordinal);
        Assert.Contains("add: /a too big", parser.InvalidCalls, StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_ArgumentsFailTheCheckUnderReturn_CallKeptWithException()
    {
        var parser = new ToolCallStreamParser(["add"], (name, arguments) => arguments.GetProperty("a").GetInt32() > 5 ? [$"{name}: /a too big"] : [], Phi3InvalidToolCalls.Return);
        parser.Append("<tool_call>[{\"name\":\"add\",\"arguments\":{\"a\":9}},{\"name\":\"add\",\"arguments\":{\"a\":1}}]");

        parser.Complete(cutOff: false, out var calls, out _);

        Assert.Equal(2, calls.Count);
        var error = Assert.IsType<InvalidOperationException>(calls[0].Exception);
        Assert.Contains("add: /a too big", error.Message, StringComparison.Ordinal);
        Assert.Null(calls[1].Exception);
    }
}
