using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Tools;

/// <summary>
/// Splits a streamed assistant turn into text to show now and tool calls at the end: text streams through as soon as
/// it cannot be the start of <see cref="ToolCallFormat.CallMarker"/>; a call turn is held back and parsed when complete.
/// </summary>
/// <remarks>Not thread-safe: one instance per generation.</remarks>
internal sealed class ToolCallStreamParser
{
    private static readonly JsonSerializerOptions s_compact = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };
    private readonly IReadOnlyCollection<string> _toolNames;
    private readonly Func<string, JsonElement, IReadOnlyList<string>>? _checkArguments;
    private readonly bool _dropInvalid;
    private readonly StringBuilder _held = new();
    private State _state;

    /// <summary>Initializes a parser for calls to <paramref name="toolNames"/>.</summary>
    /// <param name="toolNames">The names a call may use.</param>
    /// <param name="checkArguments">Checks parsed arguments (see <see cref="ToolCallParser.TryParse"/>); <see langword="null"/> for none.</param>
    /// <param name="invalidCalls">What <see cref="Complete"/> does with a call whose arguments the check refuses.</param>
    public ToolCallStreamParser(IReadOnlyCollection<string> toolNames, Func<string, JsonElement, IReadOnlyList<string>>? checkArguments = null, Phi3InvalidToolCalls invalidCalls = Phi3InvalidToolCalls.Drop)
    {
        ArgumentNullException.ThrowIfNull(toolNames);
        _toolNames = toolNames;
        _checkArguments = checkArguments;
        _dropInvalid = invalidCalls == Phi3InvalidToolCalls.Drop;
    }

    /// <summary>
    /// Gets, after <see cref="Complete"/>, the calls left out because their arguments break the schema (under
    /// <see cref="Phi3InvalidToolCalls.Drop"/>), one line each (call JSON, colon, violations); <see langword="null"/> when none.
    /// </summary>
    public string? InvalidCalls { get; private set; }

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
    /// <param name="cutOff">Whether generation stopped at the token limit or a stop sequence rather than at an end token.</param>
    /// <param name="calls">The parsed calls, when the turn was a complete call turn; otherwise empty.</param>
    /// <param name="dropped">
    /// A call the turn started but did not finish (cut off by the token limit or a stop sequence), or, when
    /// <paramref name="cutOff"/>, the start of the call marker it was writing (<c>&lt;tool_c</c>); <see langword="null"/> when none.
    /// </param>
    /// <returns>Text still held back, to show; never call markup.</returns>
    public string Complete(bool cutOff, out IReadOnlyList<FunctionCallContent> calls, out string? dropped)
    {
        calls = [];
        dropped = null;
        string held = _held.ToString();
        _held.Clear();
        if (_state == State.Calls)
        {
            if (!ToolCallParser.TryParse(held, _toolNames, out calls, _checkArguments))
            {
                dropped = held;
            }
            else if (_dropInvalid && calls.Any(c => c.Exception is not null))
            {
                InvalidCalls = string.Join("\n", calls.Where(c => c.Exception is not null).Select(Describe));
                calls = [.. calls.Where(c => c.Exception is null)];
            }

            return string.Empty;
        }

        if (_state == State.Undecided && cutOff && !string.IsNullOrWhiteSpace(held))
        {
            dropped = held;
            return string.Empty;
        }

        return held;
    }

    private static string Describe(FunctionCallContent call)
    {
        var options = s_compact;
        string name = JsonSerializer.Serialize(call.Name, options.GetTypeInfo(typeof(string)));
        string arguments = JsonSerializer.Serialize(call.Arguments, options.GetTypeInfo(typeof(IDictionary<string, object?>)));
        return $"{{\"name\":{name},\"arguments\":{arguments}}}: {call.Exception!.Message}";
    }
}
