using System.Text.Json;

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
    /// <summary>The Phi-3 added tokens, used when tokenizer.json cannot be read.</summary>
    public static IReadOnlyList<SpecialTokenText> Phi3Defaults { get; } =
    [
        new("<unk>", 1), new("<s>", 2), new("</s>", 3), new("<|endoftext|>", 1), new("<|assistant|>", 1),
        new("<|placeholder1|>", 1), new("<|placeholder2|>", 1), new("<|placeholder3|>", 1), new("<|placeholder4|>", 1),
        new("<|system|>", 1), new("<|end|>", 1), new("<|placeholder5|>", 1), new("<|placeholder6|>", 1), new("<|user|>", 1),
    ];

    /// <summary>Reads the added tokens of <c>tokenizer.json</c> in <paramref name="folder"/>; falls back to <see cref="Phi3Defaults"/>.</summary>
    public static IReadOnlyList<SpecialTokenText> Load(string folder)
    {
        string path = Path.Combine(folder, "tokenizer.json");
        if (!File.Exists(path))
        {
            return Phi3Defaults;
        }

        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream);
            var root = document.RootElement;
            var pieces = new List<string>();
            if (root.TryGetProperty("model", out var model) && model.TryGetProperty("vocab", out var vocab) && vocab.ValueKind == JsonValueKind.Object)
            {
                foreach (var piece in vocab.EnumerateObject())
                {
                    pieces.Add(piece.Name);
                }
            }

            var result = new List<SpecialTokenText>();
            var addedTexts = new HashSet<string>(StringComparer.Ordinal);
            if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
            {
                foreach (var token in added.EnumerateArray())
                {
                    if (token.TryGetProperty("content", out var content) && content.GetString() is { Length: > 1 } text)
                    {
                        addedTexts.Add(text);
                    }
                }
            }

            var ordinaryPieces = pieces.Where(p => !addedTexts.Contains(p)).ToList();
            foreach (string text in addedTexts)
            {
                result.Add(new SpecialTokenText(text, ChooseSplit(text, ordinaryPieces)));
            }

            return result.Count > 0 ? result : Phi3Defaults;
        }
        catch (JsonException)
        {
            return Phi3Defaults;
        }
        catch (IOException)
        {
            return Phi3Defaults;
        }
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
