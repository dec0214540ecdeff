using System.Text;
using Phi3.OnnxSdk.SyntheticModels.Tokenizer;

namespace Phi3.OnnxSdk.SyntheticModels.Tests.Tokenizer;

/// <summary>
/// An independent, deliberately plain SentencePiece-BPE encoder straight from the vocabulary
/// file: spaces become U+2581 with one prepended, characters missing from the vocabulary fall
/// back to their UTF-8 bytes, then the best-ranked adjacent pair is merged until none is left.
/// </summary>
internal sealed class ReferenceBpe
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), int> _ranks = [];

    public ReferenceBpe(LlamaVocabulary vocabulary)
    {
        for (int id = 0; id < vocabulary.Pieces.Count; id++)
        {
            _ids[vocabulary.Pieces[id]] = id;
        }

        for (int rank = 0; rank < vocabulary.Merges.Count; rank++)
        {
            var (left, right) = vocabulary.Merges[rank];
            _ranks.TryAdd((vocabulary.Pieces[left], vocabulary.Pieces[right]), rank);
        }
    }

    public int[] Encode(string text)
    {
        string normalized = "\u2581" + text.Replace(' ', '\u2581');
        var symbols = new List<string>();
        foreach (Rune rune in normalized.EnumerateRunes())
        {
            string piece = rune.ToString();
            if (_ids.ContainsKey(piece))
            {
                symbols.Add(piece);
            }
            else
            {
                foreach (byte b in Encoding.UTF8.GetBytes(piece))
                {
                    symbols.Add($"<0x{b:X2}>");
                }
            }
        }

        while (true)
        {
            int bestIndex = -1;
            int bestRank = int.MaxValue;
            for (int i = 0; i + 1 < symbols.Count; i++)
            {
                if (_ranks.TryGetValue((symbols[i], symbols[i + 1]), out int rank) && rank < bestRank)
                {
                    bestRank = rank;
                    bestIndex = i;
                }
            }

            if (bestIndex < 0)
            {
                break;
            }

            symbols[bestIndex] += symbols[bestIndex + 1];
            symbols.RemoveAt(bestIndex + 1);
        }

        return symbols.Select(s => _ids[s]).ToArray();
    }
}
