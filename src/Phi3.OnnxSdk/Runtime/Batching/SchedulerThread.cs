namespace Phi3.OnnxSdk.Runtime.Batching;

/// <summary>
/// A batch scheduler's dedicated thread and the signal that wakes it. Any thread may <see cref="Wake"/> it or
/// <see cref="Dispose"/> (stop) it; stopping marks it as stopping, wakes it, and (except from the thread itself) waits for its
/// loop to end and frees the signal, once. Thread-safe.
/// </summary>
internal sealed class SchedulerThread : IDisposable
{
    private readonly AutoResetEvent _wake = new(false);
    private readonly Thread _thread;
    private volatile bool _stopping;
    private int _joined;

    /// <summary>Creates the (background) thread that will run <paramref name="loop"/>.</summary>
    public SchedulerThread(string name, ThreadStart loop) => _thread = new Thread(loop) { IsBackground = true, Name = name };

    /// <summary>Gets a value indicating whether the loop should end (after <see cref="Dispose"/>, or after its own fault).</summary>
    public bool IsStopping => _stopping;

    public void Start() => _thread.Start();

    /// <summary>Wakes the loop if it waits; does nothing once the signal is freed.</summary>
    public void Wake()
    {
        try
        {
            _wake.Set();
        }
        catch (ObjectDisposedException)
        {
            // The loop has already ended.
        }
    }

    /// <summary>Waits (on the scheduler's thread) until woken, or for at most <paramref name="timeout"/>; true when woken.</summary>
    public bool Wait(TimeSpan? timeout = null) => timeout is { } limit ? _wake.WaitOne(limit) : _wake.WaitOne();

    /// <summary>Marks the loop as ending without waiting for it (the loop's own fault handling calls this).</summary>
    public void MarkStopping() => _stopping = true;

    /// <summary>Makes the loop end after its current step and, from another thread, waits for it. Idempotent.</summary>
    public void Dispose()
    {
        _stopping = true;
        Wake();
        if (Thread.CurrentThread != _thread && Interlocked.Exchange(ref _joined, 1) == 0)
        {
            _thread.Join();
            _wake.Dispose();
        }
    }
}
