using System.Threading.Channels;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Chat;

/// <summary>
/// Runs one chat turn on its own generator (a <see cref="KvSession"/>): feeds the prompt after the reused prefix in
/// chunks, then decodes until an end token, a stop sequence, the output limit or the KV buffer's end, writing text pieces
/// and the final event (usage, finish reason, tool calls) to the channel. Cancellation is checked between chunks and
/// tokens. Thread-safe: it holds only immutable settings; each call uses its own session.
/// </summary>
internal sealed class LocalTurnRunner
{
    private readonly Phi3Model _model;
    private readonly HashSet<int> _eos;
    private readonly int _prefillChunk;

    /// <param name="model">The model (the caller holds a lease while a turn runs).</param>
    /// <param name="prefillChunk">The prompt tokens fed per native call (at least 1; any value up to <see cref="int.MaxValue"/>).</param>
    public LocalTurnRunner(Phi3Model model, int prefillChunk)
    {
        _model = model;
        _eos = [.. model.EosTokenIds];
        _prefillChunk = prefillChunk;
    }

    /// <summary>Runs the turn of <paramref name="request"/> on <paramref name="session"/>, whose first <paramref name="reused"/> tokens are the prompt's.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public void Run(KvSession session, int reused, GenerationRequest request, ChannelWriter<GenerationEvent> writer, ref long prefilledTokens, CancellationToken cancellationToken)
    {
        var settings = request.Settings;
        int[] prompt = request.Prompt;
        var generator = session.Generator;
        for (int at = reused; at < prompt.Length;)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Computed from what is left, so that a chunk of int.MaxValue tokens cannot overflow the position.
            var chunk = prompt.AsSpan(at, Math.Min(_prefillChunk, prompt.Length - at));
            generator.AppendTokens(chunk);
            session.Tokens.AddRange(chunk);
            Interlocked.Add(ref prefilledTokens, chunk.Length);
            at += chunk.Length;
        }

        session.PromptLength = prompt.Length;
        using var decoder = new StreamingTextDecoder(_model.NativeTokenizer, _model.TokenizerLock);
        var matcher = new StopSequenceMatcher(settings.StopSequences);
        var calls = request.Tools.AllowsCalls ? request.Tools.CreateStreamParser() : null;
        var format = request.Tools.CreateResponseFormatCheck();
        var ids = new List<int>();
        int generated = 0;
        ChatFinishReason finish;
        while (true)
        {
            if (generated >= settings.MaxOutputTokens || session.Tokens.Count >= session.MaxLength)
            {
                finish = ChatFinishReason.Length;
                break;
            }

            cancellationToken.ThrowIfCancellationRequested();
            generator.GenerateNextToken();
            int next = generator.GetNextTokens()[0];
            session.Tokens.Add(next);
            generated++;
            if (_eos.Contains(next))
            {
                finish = ChatFinishReason.Stop;
                break;
            }

            ids.Add(next);
            string text = matcher.Push(decoder.Decode(next));
            text = calls?.Append(text) ?? text;
            if (text.Length > 0)
            {
                format?.Append(text);
                writer.TryWrite(new GenerationEvent(text, null, 0, 0, TokenIds: [.. ids]));
                ids.Clear();
            }

            if (matcher.Stopped)
            {
                finish = ChatFinishReason.Stop;
                break;
            }

            if (generator.IsDone())
            {
                finish = ChatFinishReason.Length;
                break;
            }
        }

        string tail = matcher.Flush();
        IReadOnlyList<FunctionCallContent> toolCalls = [];
        string? incomplete = null;
        if (calls is not null)
        {
            // A stop sequence cuts a turn as the limit does: a held start of the call marker is dropped, not shown.
            tail = calls.Append(tail) + calls.Complete(finish == ChatFinishReason.Length || matcher.Stopped, out toolCalls, out incomplete);
            if (toolCalls.Count > 0)
            {
                finish = ChatFinishReason.ToolCalls;
            }
        }

        format?.Append(tail);
        writer.TryWrite(new GenerationEvent(tail, finish, prompt.Length, generated, toolCalls.Count > 0 ? toolCalls : null, [.. ids], incomplete, calls?.InvalidCalls, format?.Complete(finish == ChatFinishReason.Length || matcher.Stopped)));
    }
}
