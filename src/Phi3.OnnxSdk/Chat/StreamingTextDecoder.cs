using Microsoft.ML.OnnxRuntimeGenAI;

namespace Phi3.OnnxSdk.Chat;

/// <summary>
/// Turns generated token ids into text pieces that never split a character: byte-fallback tokens (<c>&lt;0xF0&gt;</c>
/// ...) are held until their UTF-8 sequence is complete (onnxruntime-genai's <see cref="TokenizerStream"/> does this),
/// and a UTF-16 surrogate pair is never cut between two pieces.
/// </summary>
/// <remarks>Not thread-safe: one decoder per generation.</remarks>
internal sealed class StreamingTextDecoder : IDisposable
{
    private readonly TokenizerStream _stream;
    private char? _heldHighSurrogate;

    /// <summary>Creates a decoder over <paramref name="tokenizer"/>, taking <paramref name="tokenizerLock"/> for the native call that is not thread-safe.</summary>
    public StreamingTextDecoder(Tokenizer tokenizer, object tokenizerLock)
    {
        lock (tokenizerLock)
        {
            _stream = tokenizer.CreateStream();
        }
    }

    /// <summary>Returns the text that <paramref name="token"/> completes; empty while a character is still incomplete.</summary>
    public string Decode(int token)
    {
        string text = _stream.Decode(token);
        if (_heldHighSurrogate is { } held)
        {
            text = held + text;
            _heldHighSurrogate = null;
        }

        if (text.Length > 0 && char.IsHighSurrogate(text[^1]))
        {
            _heldHighSurrogate = text[^1];
            text = text[..^1];
        }

        return text;
    }

    public void Dispose() => _stream.Dispose();
}
