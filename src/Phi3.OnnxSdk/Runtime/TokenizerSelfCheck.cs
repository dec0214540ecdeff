using Microsoft.ML.OnnxRuntimeGenAI;

namespace Phi3.OnnxSdk.Runtime;

/// <summary>
/// Encodes and decodes a short text of every kind of character a chat holds (letters, digits, punctuation, whitespace,
/// accented, CJK and emoji characters) once at load: a tokenizer that loses characters (a truncated vocabulary answers
/// <c>&lt;unk&gt;</c>), or that gives ids outside the model's vocabulary (onnxruntime-genai encodes an unknown piece as
/// -1 when the vocabulary has no unknown token), is refused before any request. Stateless and thread-safe.
/// </summary>
internal static class TokenizerSelfCheck
{
    private const string Probe = "Hello, World! 0123456789 the quick brown fox; (x+y)*z/2 = 3.5%\n\t\"quoted\" [a]{b}<c>|d~ é ü ß 中文 😀";

    /// <summary>Checks <paramref name="tokenizer"/>, whose file is <paramref name="path"/>.</summary>
    /// <exception cref="Phi3ModelException">The tokenizer loses characters or gives ids outside the vocabulary.</exception>
    public static void Run(Tokenizer tokenizer, int? vocabularySize, int bosTokenId, string path)
    {
        int[] ids;
        using (var sequences = tokenizer.Encode(Probe))
        {
            ids = sequences[0].ToArray();
        }

        int limit = vocabularySize ?? int.MaxValue;
        foreach (int id in ids)
        {
            if (id < 0 || id >= limit)
            {
                throw new Phi3ModelException(path, $"The tokenizer '{path}' encodes ordinary text to the token id {id}, outside the model's vocabulary (0 to {limit - 1}): its vocabulary is incomplete or belongs to another model. Download the model again.");
            }
        }

        string decoded = tokenizer.Decode([.. ids.Where(id => id != bosTokenId)]);
        if (decoded.TrimStart(' ') != Probe)
        {
            throw new Phi3ModelException(path, $"The tokenizer '{path}' does not give ordinary text back (it decodes '{Probe}' as '{decoded.Trim()}'): its vocabulary is incomplete or damaged. Download the model again.");
        }
    }
}
