using Phi3.OnnxSdk.Chat;

namespace Phi3.OnnxSdk.Tests.Chat;

public sealed class GenerationThreadsTests
{
    [Fact]
    public async Task Run_SequentialWork_ReusesOneThread()
    {
        using var threads = new GenerationThreads(4);
        var ids = new HashSet<int>();
        for (int i = 0; i < 5; i++)
        {
            await threads.Run(() => { lock (ids) { ids.Add(Environment.CurrentManagedThreadId); } });
        }

        Assert.Single(ids);
    }

    [Fact]
    public async Task Run_ConcurrentWork_UsesUpToTheLimitAndRunsAll()
    {
        using var threads = new GenerationThreads(2);
        using var release = new ManualResetEventSlim();
        int running = 0, most = 0, done = 0;
        var tasks = Enumerable.Range(0, 6).Select(_ => threads.Run(() =>
        {
            int now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            release.Wait(TimeSpan.FromSeconds(10));
            Interlocked.Decrement(ref running);
            Interlocked.Increment(ref done);
        })).ToList();

        await Task.Delay(100);
        release.Set();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(6, done);
        Assert.Equal(2, most);
    }

    [Fact]
    public async Task Run_WorkThrows_FaultsItsTaskAndTheThreadKeepsWorking()
    {
        using var threads = new GenerationThreads(1);

        await Assert.ThrowsAsync<InvalidOperationException>(() => threads.Run(() => throw new InvalidOperationException("boom")));
        bool ran = false;
        await threads.Run(() => ran = true);

        Assert.True(ran);
    }

    [Fact]
    public void Run_AfterDispose_ThrowsObjectDisposed()
    {
        var threads = new GenerationThreads(1);
        threads.Dispose();

        Assert.Throws<ObjectDisposedException>(() => { _ = threads.Run(() => { }); });
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
