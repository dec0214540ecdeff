using Phi3.OnnxSdk.Chat;

namespace Phi3.OnnxSdk.Tests.Chat;

/// <summary>The cache's count and byte limits, on real (unfed) sessions of the tiny model with a made-up cost per token.</summary>
[Collection(TinyModelGroup.Name)]
public sealed class KvSessionCacheTests
{
    private const long BytesPerToken = 1000;

    private static readonly GenerationSettings Greedy = new(8, [], new Dictionary<string, double>(), new Dictionary<string, bool>(), null, null);

    private readonly TinyModelFixture _fixture;

    public KvSessionCacheTests(TinyModelFixture fixture) => _fixture = fixture;

    /// <summary>A session with a buffer of <paramref name="maxLength"/> tokens that holds the prompt [id, id+1, id+2, id+3].</summary>
    private KvSession NewSession(int id, int maxLength)
    {
        var session = new KvSession(_fixture.Model, Greedy, maxLength);
        session.Tokens.AddRange(Prompt(id)[..4]);
        session.PromptLength = 4;
        return session;
    }

    private static int[] Prompt(int id) => [id, id + 1, id + 2, id + 3, id + 4];

    private static bool Holds(KvSessionCache cache, int id)
    {
        var session = cache.Take(Prompt(id), Greedy.GeneratorKey, 1, out _);
        if (session is null)
        {
            return false;
        }

        cache.Return(session);
        return true;
    }

    [Fact]
    public void Return_OverByteBudget_EvictsLeastRecentlyUsed()
    {
        using var cache = new KvSessionCache(capacity: 10, maxBytes: 250 * BytesPerToken, BytesPerToken);
        var first = NewSession(100, 100);
        var second = NewSession(200, 100);
        var third = NewSession(300, 100);

        cache.Return(first);
        cache.Return(second);
        Assert.Equal(200 * BytesPerToken, cache.Bytes);
        cache.Return(third);

        Assert.True(first.IsDisposed);
        Assert.False(second.IsDisposed);
        Assert.False(third.IsDisposed);
        Assert.Equal(2, cache.Count);
        Assert.Equal(200 * BytesPerToken, cache.Bytes);
    }

    [Fact]
    public void Return_AfterTakingOldest_EvictsTheOtherInstead()
    {
        using var cache = new KvSessionCache(capacity: 10, maxBytes: 250 * BytesPerToken, BytesPerToken);
        var first = NewSession(100, 100);
        var second = NewSession(200, 100);
        cache.Return(first);
        cache.Return(second);

        var taken = cache.Take(Prompt(100), Greedy.GeneratorKey, 1, out int reusable);
        Assert.Same(first, taken);
        Assert.Equal(3, reusable);
        Assert.Equal(100 * BytesPerToken, cache.Bytes);
        cache.Return(first);
        cache.Return(NewSession(300, 100));

        Assert.False(first.IsDisposed);
        Assert.True(second.IsDisposed);
        Assert.True(Holds(cache, 100));
        Assert.True(Holds(cache, 300));
    }

    [Fact]
    public void Return_LargeSession_EvictsAsManyAsNeeded()
    {
        using var cache = new KvSessionCache(capacity: 10, maxBytes: 400 * BytesPerToken, BytesPerToken);
        var small = Enumerable.Range(1, 3).Select(i => NewSession(i * 100, 100)).ToList();
        small.ForEach(cache.Return);
        var large = NewSession(900, 250);

        cache.Return(large);

        Assert.Equal([true, true, false], small.Select(s => s.IsDisposed));
        Assert.Equal(350 * BytesPerToken, cache.Bytes);
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void Return_SessionLargerThanBudget_KeptAloneAndOthersEvicted()
    {
        using var cache = new KvSessionCache(capacity: 10, maxBytes: 150 * BytesPerToken, BytesPerToken);
        var older = NewSession(100, 100);
        var huge = NewSession(200, 151);
        cache.Return(older);

        cache.Return(huge);

        Assert.False(huge.IsDisposed);
        Assert.True(older.IsDisposed);
        Assert.Equal(1, cache.Count);
        Assert.Equal(151 * BytesPerToken, cache.Bytes);
    }

    [Fact]
    public void Return_SessionExactlyTheBudget_IsKept()
    {
        using var cache = new KvSessionCache(capacity: 10, maxBytes: 150 * BytesPerToken, BytesPerToken);
        var session = NewSession(100, 150);

        cache.Return(session);

        Assert.False(session.IsDisposed);
        Assert.Equal(150 * BytesPerToken, cache.Bytes);
    }

    [Fact]
    public void Return_ZeroBudget_DisposesSession()
    {
        using var cache = new KvSessionCache(capacity: 10, maxBytes: 0, BytesPerToken);
        var session = NewSession(100, 10);

        cache.Return(session);

        Assert.True(session.IsDisposed);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Return_CountBelowByteBudget_CountStillEvicts()
    {
        using var cache = new KvSessionCache(capacity: 1, maxBytes: long.MaxValue, BytesPerToken);
        var first = NewSession(100, 10);
        cache.Return(first);
        cache.Return(NewSession(200, 10));

        Assert.True(first.IsDisposed);
        Assert.Equal(1, cache.Count);
        Assert.Equal(10 * BytesPerToken, cache.Bytes);
    }

    [Fact]
    public void Dispose_WithIdleSessions_DisposesThemAndZeroesBytes()
    {
        var cache = new KvSessionCache(capacity: 10, maxBytes: long.MaxValue, BytesPerToken);
        var session = NewSession(100, 10);
        cache.Return(session);

        cache.Dispose();

        Assert.True(session.IsDisposed);
        Assert.Equal(0, cache.Bytes);
    }

    [Theory]
    [InlineData(-1, 0, 1)]
    [InlineData(1, -1, 1)]
    [InlineData(1, 0, 0)]
    public void Constructor_OutOfRange_Throws(int capacity, long maxBytes, long bytesPerToken) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new KvSessionCache(capacity, maxBytes, bytesPerToken));
}
