using System.Buffers;
using System.Text;
using Microsoft.ML.OnnxRuntimeGenAI;
using Phi3.OnnxSdk.Runtime;

namespace Phi3.OnnxSdk.Chat;

/// <summary>
/// Encodes text as plain text: text that spells a special token (<c>&lt;|end|&gt;</c>, <c>&lt;s&gt;</c>, ...) becomes
/// ordinary pieces, never a control token. onnxruntime-genai's <see cref="Tokenizer.Encode(string)"/> matches
/// special-token text anywhere, so the text is cut inside each such occurrence, at a point no vocabulary piece
/// crosses (so BPE gives the same pieces as for the uncut text), and each later part is encoded behind a
/// newline anchor whose ids are then dropped (this suppresses SentencePiece's dummy leading space).
/// </summary>
/// <remarks>
/// <para>
/// Every character reaches the model. Two cannot go through the native encoder as themselves: NUL (U+0000), which ends
/// the C string it reads (so <c>"abc\0secret"</c> would encode as <c>"abc"</c>), and U+2581, SentencePiece's space
/// marker (it would reach the model as a space). Both are encoded as their UTF-8 byte tokens (<c>&lt;0x00&gt;</c>;
/// <c>&lt;0xE2&gt;&lt;0x96&gt;&lt;0x81&gt;</c>), exactly what byte fallback gives a character outside the
/// vocabulary: such a token merges with nothing, so the text around it encodes as it would around any other such
/// character. A tokenizer without byte tokens gets NUL refused with <see cref="ArgumentException"/>. Text with an
/// unpaired UTF-16 surrogate (no character; UTF-8 would turn it into U+FFFD) is refused with
/// <see cref="ArgumentException"/>.
/// </para>
/// <para>Thread-safe: only <see cref="Tokenizer.Encode(string)"/> is called, which onnxruntime-genai allows concurrently.</para>
/// </remarks>
internal sealed class PlainTextEncoder
{
    private const string Anchor = "\n";
    private static readonly SearchValues<char> s_byteEncoded = SearchValues.Create("\0\u2581");
    private readonly Tokenizer _tokenizer;
    private readonly IReadOnlyList<SpecialTokenText> _specials;
    private readonly IReadOnlyList<int>? _byteTokens;
    private readonly int[] _anchorIds;
    private readonly int _bos;

    /// <param name="tokenizer">The native tokenizer.</param>
    /// <param name="specials">The added tokens' text with their safe split points.</param>
    /// <param name="bosTokenId">The beginning-of-sequence token.</param>
    /// <param name="byteTokenIds">The ids of <c>&lt;0x00&gt;</c> to <c>&lt;0xFF&gt;</c>, or <see langword="null"/> when the tokenizer has none.</param>
    public PlainTextEncoder(Tokenizer tokenizer, IReadOnlyList<SpecialTokenText> specials, int bosTokenId, IReadOnlyList<int>? byteTokenIds = null)
    {
        _tokenizer = tokenizer;
        _specials = specials;
        _bos = bosTokenId;
        AddsBos = EncodeRawWithBos("a") is [var first, ..] && first == bosTokenId;
        _anchorIds = EncodeRaw(Anchor);

        // Byte tokens are used only if they are the ones the native tokenizer falls back to (U+0001 and the newline anchor).
        _byteTokens = byteTokenIds is { Count: 256 } bytes && EncodeRaw("\u0001") is [.., var one] && one == bytes[1] && _anchorIds is [.., var newline] && newline == bytes['\n']
            ? bytes
            : null;
    }

    /// <summary>Gets whether the tokenizer puts BOS in front of every encoded text.</summary>
    public bool AddsBos { get; }

    /// <summary>Encodes one special token's text to its id.</summary>
    /// <exception cref="InvalidOperationException">The text is not a single token in this tokenizer.</exception>
    public int EncodeSpecial(string text)
    {
        int[] ids = EncodeRaw(text);
        return ids.Length == 1
            ? ids[0]
            : throw new InvalidOperationException($"The tokenizer does not have '{text}' as one token; this model does not use the Phi-3 chat format.");
    }

    /// <summary>Encodes <paramref name="text"/> as plain text, with SentencePiece's leading space and no BOS.</summary>
    /// <exception cref="ArgumentException">The text holds an unpaired surrogate, or NUL and the tokenizer has no byte tokens.</exception>
    public int[] Encode(string text)
    {
        if (text.Length == 0)
        {
            return [];
        }

        CheckEncodable(text);
        var ids = new List<int>(text.Length);
        Span<byte> utf8 = stackalloc byte[4];
        int start = 0;
        while (true)
        {
            int barrier = _byteTokens is null ? -1 : text.AsSpan(start).IndexOfAny(s_byteEncoded);
            if (barrier < 0)
            {
                AppendPlain(ids, text[start..], first: start == 0, beforeByteToken: false);
                return [.. ids];
            }

            barrier += start;
            AppendPlain(ids, text[start..barrier], first: start == 0, beforeByteToken: true);
            int length = new Rune(text[barrier]).EncodeToUtf8(utf8);
            foreach (byte b in utf8[..length])
            {
                ids.Add(_byteTokens![b]);
            }

            start = barrier + 1;
        }
    }

    private void CheckEncodable(string text)
    {
        int at = text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF');
        while (at >= 0 && at < text.Length)
        {
            if (char.IsHighSurrogate(text[at]) && at + 1 < text.Length && char.IsLowSurrogate(text[at + 1]))
            {
                at += 2;
            }
            else if (char.IsSurrogate(text[at]))
            {
                throw new ArgumentException(
                    $"The text holds an unpaired UTF-16 surrogate (U+{(int)text[at]:X4}) at index {at}: it is no character and cannot be encoded. The string was probably cut inside a character; fix it.",
                    nameof(text));
            }
            else
            {
                at++;
            }
        }

        if (_byteTokens is null && text.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"The text holds a NUL character (U+0000) at index {text.IndexOf('\0', StringComparison.Ordinal)}, which this model's tokenizer has no byte token for. Remove it or replace it with a visible marker.",
                nameof(text));
        }
    }

    /// <summary>Appends a part free of byte-encoded characters, cut inside special-token text.</summary>
    private void AppendPlain(List<int> ids, string part, bool first, bool beforeByteToken)
    {
        List<int>? cuts = null;
        foreach (var special in _specials)
        {
            for (int at = part.IndexOf(special.Text, StringComparison.Ordinal); at >= 0; at = part.IndexOf(special.Text, at + 1, StringComparison.Ordinal))
            {
                (cuts ??= []).Add(at + special.SplitIndex);
            }
        }

        int start = 0;
        if (cuts is not null)
        {
            cuts.Sort();
            foreach (int cut in cuts.Distinct())
            {
                AppendSegment(ids, part[start..cut], first: first && start == 0, beforeByteToken: false);
                start = cut;
            }
        }

        AppendSegment(ids, part[start..], first: first && start == 0, beforeByteToken);
    }

    /// <summary>
    /// Appends one segment's ids: the first with SentencePiece's leading space, a later one behind the newline anchor
    /// (dropped), and one that a byte token follows with a newline behind it (dropped), which like the byte token merges
    /// with nothing, so that an empty first segment still gives the leading space.
    /// </summary>
    private void AppendSegment(List<int> ids, string segment, bool first, bool beforeByteToken)
    {
        if (segment.Length == 0 && !(first && beforeByteToken))
        {
            return;
        }

        int[] encoded = EncodeRaw((first ? string.Empty : Anchor) + segment + (beforeByteToken ? Anchor : string.Empty));
        var span = encoded.AsSpan();
        if (!first)
        {
            if (!span.StartsWith(_anchorIds))
            {
                throw new InvalidOperationException("The tokenizer merged a newline with the following text; plain-text encoding of special-token text is not supported for this tokenizer.");
            }

            span = span[_anchorIds.Length..];
        }

        if (beforeByteToken)
        {
            if (span.IsEmpty || span[^1] != _anchorIds[^1])
            {
                throw new InvalidOperationException("The tokenizer merged a newline with the preceding text; byte-token encoding is not supported for this tokenizer.");
            }

            span = span[..^1];
        }

        ids.AddRange(span);
    }

    private int[] EncodeRaw(string text)
    {
        int[] ids = EncodeRawWithBos(text);
        return AddsBos && ids.Length > 0 && ids[0] == _bos ? ids[1..] : ids;
    }

    private int[] EncodeRawWithBos(string text)
    {
        using var sequences = _tokenizer.Encode(text);
        return sequences[0].ToArray();
    }
}
