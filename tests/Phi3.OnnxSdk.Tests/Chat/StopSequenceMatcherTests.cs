using Phi3.OnnxSdk.Chat;

namespace Phi3.OnnxSdk.Tests.Chat;

public sealed class StopSequenceMatcherTests
{
    [Fact]
    public void Push_StopSpanningPieces_EmitsTextBeforeStopOnly()
    {
        var matcher = new StopSequenceMatcher(["END!"]);
        string emitted = matcher.Push("abc E") + matcher.Push("N") + matcher.Push("D!tail");
        Assert.True(matcher.Stopped);
        Assert.Equal("abc ", emitted);
        Assert.Equal(string.Empty, matcher.Flush());
    }

    [Fact]
    public void Push_PartialMatchThatFails_ReleasesHeldText()
    {
        var matcher = new StopSequenceMatcher(["END"]);
        Assert.Equal("x", matcher.Push("xE"));
        Assert.Equal("ENX", matcher.Push("NX"));
        Assert.False(matcher.Stopped);
    }

    [Fact]
    public void Push_HeldPrefixThenOtherText_EmitsEverything()
    {
        var matcher = new StopSequenceMatcher(["END"]);
        string emitted = matcher.Push("aE") + matcher.Push("N") + matcher.Push("x") + matcher.Flush();
        Assert.False(matcher.Stopped);
        Assert.Equal("aENx", emitted);
    }

    [Fact]
    public void Push_TwoStops_StopsAtEarliest()
    {
        var matcher = new StopSequenceMatcher(["zz", "b"]);
        Assert.Equal("a", matcher.Push("abzz"));
        Assert.True(matcher.Stopped);
    }

    [Fact]
    public void Flush_NoStops_PassesTextThrough()
    {
        var matcher = new StopSequenceMatcher(null);
        Assert.Equal("hello", matcher.Push("hello"));
        Assert.Equal(string.Empty, matcher.Flush());
    }
}
