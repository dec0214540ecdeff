using Phi3.OnnxSdk.Chat;

namespace Phi3.OnnxSdk.Tests.Chat;

public sealed class FirstSightSetTests
{
    [Fact]
    public void TryAdd_SameKeyTwice_FirstOnly()
    {
        var set = new FirstSightSet(4);

        Assert.True(set.TryAdd("a"));
        Assert.False(set.TryAdd("a"));
        Assert.True(set.TryAdd("A"));
    }

    [Fact]
    public void TryAdd_Full_NoNewKeyCounts()
    {
        var set = new FirstSightSet(2);
        set.TryAdd("a");
        set.TryAdd("b");

        Assert.False(set.TryAdd("c"));
        Assert.False(set.TryAdd("c"));
    }

    [Fact]
    public void TryAdd_KeyOverTheLongest_NeverCounts()
    {
        var set = new FirstSightSet(8, maxKeyLength: 3);

        Assert.False(set.TryAdd("abcd"));
        Assert.True(set.TryAdd("abc"));
    }
}
