using System.Buffers.Binary;
using System.Text;

namespace Phi3.OnnxSdk.SyntheticModels.Tokenizer;

/// <summary>
/// The Llama-2 SentencePiece BPE vocabulary (32000 pieces in id order) and its merges in
/// priority order, as carried by the npm package <c>llama-tokenizer-js</c>.
/// </summary>
public sealed class LlamaVocabulary
{
    /// <summary>The number of pieces in the Llama-2 vocabulary.</summary>
    public const int Size = 32000;

    private LlamaVocabulary(IReadOnlyList<string> pieces, IReadOnlyList<(int Left, int Right)> merges)
    {
        Pieces = pieces;
        Merges = merges;
    }

    /// <summary>Gets the pieces; a piece's index is its token id.</summary>
    public IReadOnlyList<string> Pieces { get; }

    /// <summary>Gets the merges as pairs of piece ids, highest priority first.</summary>
    public IReadOnlyList<(int Left, int Right)> Merges { get; }

    /// <summary>
    /// Reads the vocabulary from the text of <c>llama-tokenizer.js</c>: the constants
    /// <c>llama_vocab_base64</c> (UTF-8 pieces joined by newlines) and <c>llama_merges_binary</c>
    /// (pairs of little-endian 16-bit piece ids).
    /// </summary>
    /// <exception cref="InvalidDataException">The text does not hold a well-formed 32000-piece vocabulary.</exception>
    public static LlamaVocabulary ParseScript(string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        byte[] vocabBytes = Convert.FromBase64String(ReadStringConstant(script, "llama_vocab_base64"));
        byte[] mergeBytes = Convert.FromBase64String(ReadStringConstant(script, "llama_merges_binary"));

        string[] pieces = Encoding.UTF8.GetString(vocabBytes).Split('\n');
        if (pieces.Length != Size)
        {
            throw new InvalidDataException($"Expected {Size} vocabulary pieces, found {pieces.Length}.");
        }

        if (mergeBytes.Length % 4 != 0)
        {
            throw new InvalidDataException($"The merge data has {mergeBytes.Length} bytes, not a multiple of 4.");
        }

        var merges = new (int, int)[mergeBytes.Length / 4];
        for (int i = 0; i < merges.Length; i++)
        {
            int left = BinaryPrimitives.ReadUInt16LittleEndian(mergeBytes.AsSpan(i * 4));
            int right = BinaryPrimitives.ReadUInt16LittleEndian(mergeBytes.AsSpan((i * 4) + 2));
            if (left >= Size || right >= Size)
            {
                throw new InvalidDataException($"Merge {i} refers to a piece outside the vocabulary.");
            }

            merges[i] = (left, right);
        }

        return new LlamaVocabulary(pieces, merges);
    }

    private static string ReadStringConstant(string script, string name)
    {
        string marker = $"const {name} = \"";
        int start = script.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0)
        {
            throw new InvalidDataException($"The script has no constant '{name}'.");
        }

        start += marker.Length;
        int end = script.IndexOf('"', start);
        if (end < 0)
        {
            throw new InvalidDataException($"The constant '{name}' is not terminated.");
        }

        return script[start..end];
    }
}
