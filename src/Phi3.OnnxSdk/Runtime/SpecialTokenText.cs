namespace Phi3.OnnxSdk.Runtime;

/// <summary>
/// The text of a tokenizer's added (special) tokens, each with a split point: the index inside the
/// text where no vocabulary piece crosses, so the text can be cut there and tokenized as plain text
/// without changing the BPE result.
/// </summary>
/// <param name="Text">The token's text, e.g. <c>&lt;|end|&gt;</c>.</param>
/// <param name="SplitIndex">Where to cut the text (1 to length - 1).</param>
internal sealed record SpecialTokenText(string Text, int SplitIndex)
{
    /// <summary>The Phi-3 added tokens, used when the folder has no tokenizer.json to read them from.</summary>
    public static IReadOnlyList<SpecialTokenText> Phi3Defaults { get; } =
    [
        new("<unk>", 1), new("<s>", 2), new("</s>", 3), new("<|endoftext|>", 1), new("<|assistant|>", 1),
        new("<|placeholder1|>", 1), new("<|placeholder2|>", 1), new("<|placeholder3|>", 1), new("<|placeholder4|>", 1),
        new("<|system|>", 1), new("<|end|>", 1), new("<|placeholder5|>", 1), new("<|placeholder6|>", 1), new("<|user|>", 1),
    ];

    /// <summary>The added tokens of <paramref name="tokenizer"/>'s <c>tokenizer.json</c>; <see cref="Phi3Defaults"/> when it has none or the folder has only <c>tokenizer.model</c>.</summary>
    public static IReadOnlyList<SpecialTokenText> From(TokenizerFiles tokenizer)
    {
        var result = tokenizer.AddedTexts.Select(text => new SpecialTokenText(text, ChooseSplit(text, tokenizer.Pieces))).ToList();
        return result.Count > 0 ? result : Phi3Defaults;
    }

    /// <summary>The first cut whose two neighbouring characters appear together in no vocabulary piece.</summary>
    internal static int ChooseSplit(string text, IReadOnlyList<string> pieces)
    {
        for (int i = 1; i < text.Length; i++)
        {
            string pair = text.Substring(i - 1, 2);
            if (!pieces.Any(p => p.Contains(pair, StringComparison.Ordinal)))
            {
                return i;
            }
        }

        return 1;
    }
}
