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
        Assert.Equal(string.Empty, parser.Complete(out var calls));
        Assert.Empty(calls);
    }

    [Fact]
    public void Append_CallTurn_HoldsEverythingBackAndCompleteReturnsCalls()
    {
        var parser = new ToolCallStreamParser(["add"]);
        string[] pieces = ["<tool", "_call>", "[{\"name\":\"add\",", "\"arguments\":{\"a\":1,\"b\":2}}]"];

        Assert.All(pieces, piece => Assert.Equal(string.Empty, parser.Append(piece)));

        Assert.Equal(string.Empty, parser.Complete(out var calls));
        Assert.Equal("add", Assert.Single(calls).Name);
    }

    [Fact]
    public void Complete_TruncatedCall_ReturnsHeldTextAndNoCalls()
    {
        var parser = new ToolCallStreamParser(["add"]);
        parser.Append("<tool_call>[{\"name\":\"ad");

        Assert.Equal("<tool_call>[{\"name\":\"ad", parser.Complete(out var calls));
        Assert.Empty(calls);
    }
}
