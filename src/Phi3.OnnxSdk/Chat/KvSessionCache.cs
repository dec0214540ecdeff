namespace Phi3.OnnxSdk.Chat;

/// <summary>
/// The idle <see cref="KvSession"/>s of a client, most recently used first, at most a given number and a given number of
/// KV bytes (each session holds <see cref="KvSession.MaxLength"/> x bytes per token for its whole life).
/// A request takes the session sharing the longest token prefix with its prompt out of the cache and gives it back
/// when done. Thread-safe; sessions are disposed outside the lock.
/// </summary>
internal sealed class KvSessionCache : IDisposable
{
    private readonly object _gate = new();
    private readonly LinkedList<KvSession> _sessions = new();
    private readonly int _capacity;
    private readonly long _maxBytes;
    private readonly long _bytesPerToken;
    private long _bytes;
    private bool _disposed;

    /// <param name="capacity">The most idle sessions kept; 0 keeps none.</param>
    /// <param name="maxBytes">The most KV bytes the idle sessions may hold together; 0 keeps none.</param>
    /// <param name="bytesPerToken">The KV bytes of one token of a session's buffer.</param>
    public KvSessionCache(int capacity, long maxBytes, long bytesPerToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(bytesPerToken, 1);
        _capacity = capacity;
        _maxBytes = maxBytes;
        _bytesPerToken = bytesPerToken;
    }

    /// <summary>Gets the number of idle sessions.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _sessions.Count;
            }
        }
    }

    /// <summary>Gets the KV bytes the idle sessions hold.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>
    /// Takes the session with the longest reusable prefix of <paramref name="prompt"/> among those created with
    /// <paramref name="generatorKey"/> whose buffer holds <paramref name="requiredLength"/> tokens and of whose last prompt at least
    /// half is reusable, and whose images are <paramref name="imageKey"/>'s; <see langword="null"/> if none.
    /// </summary>
    public KvSession? Take(int[] prompt, string generatorKey, int requiredLength, out int reusableLength, string imageKey = "")
    {
        reusableLength = 0;
        lock (_gate)
        {
            LinkedListNode<KvSession>? best = null;
            for (var node = _sessions.First; node is not null; node = node.Next)
            {
                var session = node.Value;
                // Equal ids do not mean equal images: an image's placeholders are the same ids for any image of its size.
                if (session.GeneratorKey != generatorKey || session.ImageKey != imageKey || session.MaxLength < requiredLength)
                {
                    continue;
                }

                // Taking a conversation's cache for a prompt that shares little of it would cost that conversation a
                // full prefill for a small gain: require at least half of its last prompt to be reusable.
                int length = session.ReusableLength(prompt);
                if (length > reusableLength && length * 2 >= session.PromptLength)
                {
                    reusableLength = length;
                    best = node;
                }
            }

            if (best is null)
            {
                return null;
            }

            _sessions.Remove(best);
            _bytes -= SizeOf(best.Value);
            return best.Value;
        }
    }

    /// <summary>
    /// Gives a session back as the most recently used, first evicting (disposing) the least recently used ones while the
    /// cache would hold more than its capacity or its bytes. A session larger than the whole byte budget is disposed.
    /// </summary>
    public void Return(KvSession session)
    {
        var evicted = new List<KvSession>();
        lock (_gate)
        {
            long size = SizeOf(session);
            if (_disposed || _capacity <= 0 || _maxBytes <= 0)
            {
                evicted.Add(session);
            }
            else
            {
                // The session just returned is always kept, even alone over the budget: it fitted in memory while it ran,
                // and freeing it would cost its conversation a full prefill. Older sessions make room for it.
                // Compared as "room left" so that the sum never overflows.
                while (_sessions.Count > 0 && (_sessions.Count >= _capacity || _bytes > _maxBytes - size))
                {
                    var oldest = _sessions.Last!.Value;
                    _sessions.RemoveLast();
                    _bytes -= SizeOf(oldest);
                    evicted.Add(oldest);
                }

                _sessions.AddFirst(session);
                _bytes += size;
            }
        }

        foreach (var old in evicted)
        {
            old.Dispose();
        }
    }

    /// <summary>Disposes the idle sessions; sessions given back later are disposed at once.</summary>
    public void Dispose()
    {
        List<KvSession> idle;
        lock (_gate)
        {
            _disposed = true;
            idle = [.. _sessions];
            _sessions.Clear();
            _bytes = 0;
        }

        foreach (var session in idle)
        {
            session.Dispose();
        }
    }

    private long SizeOf(KvSession session) => session.MaxLength * _bytesPerToken;
}
