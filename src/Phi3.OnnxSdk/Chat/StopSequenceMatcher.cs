namespace Phi3.OnnxSdk.Chat;

/// <summary>
/// Finds stop sequences in streamed text across token boundaries. Text that could still be the start of a stop
/// sequence is held back until it is known not to be; the stop sequence and anything after it are never emitted.
/// </summary>
internal sealed class StopSequenceMatcher
{
    private readonly string[] _stops;
    private string _pending = string.Empty;

    public StopSequenceMatcher(IEnumerable<string>? stopSequences) =>
        _stops = stopSequences?.Where(s => !string.IsNullOrEmpty(s)).Distinct(StringComparer.Ordinal).ToArray() ?? [];

    /// <summary>Gets whether a stop sequence was found.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Adds decoded text; returns the text that can be emitted now.</summary>
    public string Push(string piece)
    {
        if (_stops.Length == 0 || Stopped)
        {
            return Stopped ? string.Empty : piece;
        }

        string text = _pending.Length == 0 ? piece : _pending + piece;
        int stopAt = -1;
        foreach (string stop in _stops)
        {
            int at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (stopAt < 0 || at < stopAt))
            {
                stopAt = at;
            }
        }

        if (stopAt >= 0)
        {
            Stopped = true;
            _pending = string.Empty;
            return text[..stopAt];
        }

        int hold = 0;
        foreach (string stop in _stops)
        {
            for (int k = Math.Min(stop.Length - 1, text.Length); k > hold; k--)
            {
                if (text.AsSpan(text.Length - k).SequenceEqual(stop.AsSpan(0, k)))
                {
                    hold = k;
                    break;
                }
            }
        }

        _pending = hold == 0 ? string.Empty : text[^hold..];
        return hold == 0 ? text : text[..^hold];
    }

    /// <summary>Returns the held-back text at the end of generation.</summary>
    public string Flush()
    {
        string rest = _pending;
        _pending = string.Empty;
        return rest;
    }
}
