using System.Text;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Tools;

/// <summary>
/// Splits a streamed assistant turn into text to show now and tool calls at the end: text streams through as soon as
/// it cannot be the start of <see cref="ToolCallFormat.CallMarker"/>; a call turn is held back and parsed when complete.
/// </summary>
/// <remarks>Not thread-safe: one instance per generation.</remarks>
internal sealed class ToolCallStreamParser
{
    private readonly IReadOnlyCollection<string> _toolNames;
    private readonly StringBuilder _held = new();
    private State _state;

    /// <summary>Initializes a parser for calls to <paramref name="toolNames"/>.</summary>
    public ToolCallStreamParser(IReadOnlyCollection<string> toolNames)
    {
        ArgumentNullException.ThrowIfNull(toolNames);
        _toolNames = toolNames;
    }

    private enum State
    {
        Undecided,
        Text,
        Calls,
    }

    /// <summary>Takes the next piece of generated text.</summary>
    /// <param name="delta">The decoded text of the next token(s).</param>
    /// <returns>The text to stream now (possibly empty).</returns>
    public string Append(string delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        if (_state == State.Text)
        {
            return delta;
        }

        _held.Append(delta);
        if (_state == State.Calls)
        {
            return string.Empty;
        }

        string held = _held.ToString();
        var trimmed = held.AsSpan().TrimStart();
        if (trimmed.StartsWith(ToolCallFormat.CallMarker, StringComparison.Ordinal))
        {
            _state = State.Calls;
            return string.Empty;
        }

        if (ToolCallFormat.CallMarker.AsSpan().StartsWith(trimmed, StringComparison.Ordinal))
        {
            return string.Empty;
        }

        _state = State.Text;
        _held.Clear();
        return held;
    }

    /// <summary>Ends the turn.</summary>
    /// <param name="calls">The parsed calls, when the turn was a complete call turn; otherwise empty.</param>
    /// <returns>Text still held back (a turn that looked like a call but did not parse is returned as text).</returns>
    public string Complete(out IReadOnlyList<FunctionCallContent> calls)
    {
        calls = [];
        string held = _held.ToString();
        _held.Clear();
        if (_state == State.Calls && ToolCallParser.TryParse(held, _toolNames, out calls))
        {
            return string.Empty;
        }

        return held;
    }
}
