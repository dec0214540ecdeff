namespace Phi3.OnnxSdk.Chat;

/// <summary>
/// The idle <see cref="KvSession"/>s of a client, most recently used first, at most a given number.
/// A request takes the session sharing the longest token prefix with its prompt out of the cache and gives it back
/// when done. Thread-safe.
/// </summary>
internal sealed class KvSessionCache : IDisposable
{
    private readonly object _gate = new();
    private readonly LinkedList<KvSession> _sessions = new();
    private readonly int _capacity;
    private bool _disposed;

    public KvSessionCache(int capacity) => _capacity = capacity;

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

    /// <summary>
    /// Takes the session with the longest reusable prefix of <paramref name="prompt"/> among those created with
    /// <paramref name="generatorKey"/> whose buffer holds <paramref name="requiredLength"/> tokens and of whose last prompt at least
    /// half is reusable; <see langword="null"/> if none.
    /// </summary>
    public KvSession? Take(int[] prompt, string generatorKey, int requiredLength, out int reusableLength)
    {
        reusableLength = 0;
        lock (_gate)
        {
            LinkedListNode<KvSession>? best = null;
            for (var node = _sessions.First; node is not null; node = node.Next)
            {
                var session = node.Value;
                if (session.GeneratorKey != generatorKey || session.MaxLength < requiredLength)
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
            return best.Value;
        }
    }

    /// <summary>Gives a session back as the most recently used; evicts (disposes) the least recently used beyond capacity.</summary>
    public void Return(KvSession session)
    {
        var evicted = new List<KvSession>();
        lock (_gate)
        {
            if (_disposed || _capacity <= 0)
            {
                evicted.Add(session);
            }
            else
            {
                _sessions.AddFirst(session);
                while (_sessions.Count > _capacity)
                {
                    evicted.Add(_sessions.Last!.Value);
                    _sessions.RemoveLast();
                }
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
        }

        foreach (var session in idle)
        {
            session.Dispose();
        }
    }
}
