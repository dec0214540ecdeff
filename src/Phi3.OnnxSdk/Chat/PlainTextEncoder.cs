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
/// <remarks>Thread-safe: only <see cref="Tokenizer.Encode(string)"/> is called, which onnxruntime-genai allows concurrently.</remarks>
internal sealed class PlainTextEncoder
{
    private const string Anchor = "\n";
    private readonly Tokenizer _tokenizer;
    private readonly IReadOnlyList<SpecialTokenText> _specials;
    private readonly int[] _anchorIds;
    private readonly int _bos;

    public PlainTextEncoder(Tokenizer tokenizer, IReadOnlyList<SpecialTokenText> specials, int bosTokenId)
    {
        _tokenizer = tokenizer;
        _specials = specials;
        _bos = bosTokenId;
        AddsBos = EncodeRawWithBos("a") is [var first, ..] && first == bosTokenId;
        _anchorIds = EncodeRaw(Anchor);
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
    public int[] Encode(string text)
    {
        if (text.Length == 0)
        {
            return [];
        }

        List<int>? cuts = null;
        foreach (var special in _specials)
        {
            for (int at = text.IndexOf(special.Text, StringComparison.Ordinal); at >= 0; at = text.IndexOf(special.Text, at + 1, StringComparison.Ordinal))
            {
                (cuts ??= []).Add(at + special.SplitIndex);
            }
        }

        if (cuts is null)
        {
            return EncodeRaw(text);
        }

        cuts.Sort();
        var ids = new List<int>(text.Length);
        int start = 0;
        foreach (int cut in cuts.Distinct())
        {
            AppendSegment(ids, text[start..cut], first: start == 0);
            start = cut;
        }

        AppendSegment(ids, text[start..], first: false);
        return [.. ids];
    }

    private void AppendSegment(List<int> ids, string segment, bool first)
    {
        if (segment.Length == 0)
        {
            return;
        }

        if (first)
        {
            ids.AddRange(EncodeRaw(segment));
            return;
        }

        int[] anchored = EncodeRaw(Anchor + segment);
        if (!anchored.AsSpan().StartsWith(_anchorIds))
        {
            throw new InvalidOperationException("The tokenizer merged a newline with the following text; plain-text encoding of special-token text is not supported for this tokenizer.");
        }

        ids.AddRange(anchored.AsSpan(_anchorIds.Length).ToArray());
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
