using System.Collections.Concurrent;

namespace Phi3.OnnxSdk.Chat;

/// <summary>
/// Long-lived background threads that run generations. Native generation blocks a thread for the whole answer, so it
/// never runs on the thread pool; and reusing the same threads keeps onnxruntime's per-thread state warm between
/// requests (a fresh thread per request measured about 1 % slower on mini-int4).
/// </summary>
/// <remarks>Thread-safe. At most <c>maxThreads</c> threads are started, lazily; the caller bounds the work in flight to that.</remarks>
internal sealed class GenerationThreads : IDisposable
{
    private readonly BlockingCollection<(Action Work, TaskCompletionSource Done)> _queue = new();
    private readonly object _gate = new();
    private readonly int _maxThreads;
    private int _threads;
    private int _idle;

    public GenerationThreads(int maxThreads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1);
        _maxThreads = maxThreads;
    }

    /// <summary>Runs <paramref name="work"/> on one of the threads; the task ends when it has.</summary>
    /// <exception cref="ObjectDisposedException">The threads were stopped.</exception>
    public Task Run(Action work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            try
            {
                _queue.Add((work, done));
            }
            catch (InvalidOperationException ex)
            {
                throw new ObjectDisposedException(nameof(GenerationThreads), ex);
            }

            if (_idle == 0 && _threads < _maxThreads)
            {
                _threads++;
                new Thread(Loop) { IsBackground = true, Name = "Phi3 generation" }.Start();
            }
            else if (_idle > 0)
            {
                // A thread waiting in the queue takes it.
                _idle--;
            }
        }

        return done.Task;
    }

    /// <summary>Lets the threads finish their current work and end; queued work is not started. Does not wait.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _queue.CompleteAdding();
        }
    }

    private void Loop()
    {
        foreach (var (work, done) in _queue.GetConsumingEnumerable())
        {
            Exception? failure = null;
            try
            {
                work();
            }
            catch (Exception ex)
            {
                failure = ex;
            }

            // Counted idle before the caller hears the work is done, so its next request reuses this thread.
            lock (_gate)
            {
                _idle++;
            }

            if (failure is null)
            {
                done.SetResult();
            }
            else
            {
                done.SetException(failure);
            }
        }
    }
}
