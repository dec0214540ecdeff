using System.Collections.Concurrent;

namespace Phi3.OnnxSdk.Chat;

/// <summary>
/// Remembers which keys were seen, so that something is logged once per key; bounded, because the keys come from
/// callers (field names, tool names, schemas): once full, no new key counts as a first sight. Thread-safe.
/// </summary>
internal sealed class FirstSightSet
{
    private readonly ConcurrentDictionary<string, byte> _seen = new(StringComparer.Ordinal);
    private readonly int _capacity;
    private readonly int _maxKeyLength;

    /// <param name="capacity">The most keys remembered.</param>
    /// <param name="maxKeyLength">The longest key remembered; a longer one never counts as a first sight.</param>
    public FirstSightSet(int capacity, int maxKeyLength = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _capacity = capacity;
        _maxKeyLength = maxKeyLength;
    }

    /// <summary>Gets whether <paramref name="key"/> is seen here for the first time (and remembers it).</summary>
    public bool TryAdd(string key) => key.Length <= _maxKeyLength && _seen.Count < _capacity && _seen.TryAdd(key, 0);
}
