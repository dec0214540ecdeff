using System.Text;
using Phi3.OnnxSdk.Chat;

namespace Phi3.OnnxSdk.Tests.Chat;

[Collection(TinyModelGroup.Name)]
public sealed class StreamingTextDecoderTests(TinyModelFixture fixture)
{
    [Fact]
    public void Decode_EmojiFromByteFallbackTokens_HoldsBytesUntilTheCharacterIsComplete()
    {
        // "🙂" is not in the Llama-2 vocabulary: it is four byte-fallback tokens <0xF0> <0x9F> <0x99> <0x82>.
        int[] ids = Encode("a🙂");
        var pieces = Decode(ids);

        Assert.True(ids.Length >= 5, string.Join(",", ids));
        Assert.Equal("a🙂", string.Concat(pieces).TrimStart());
        Assert.Equal("🙂", pieces[^1]);
        Assert.All(pieces[^4..^1], piece => Assert.Equal(string.Empty, piece));
    }

    [Theory]
    [InlineData("naïve café 🙂 日本語 🚀 done")]
    [InlineData("Ωmega ∑ ≠ ≤ 𝄞 clef")]
    public void Decode_MixedText_EveryPieceIsWholeCharacters(string text)
    {
        var pieces = Decode(Encode(text));

        Assert.Equal(text, string.Concat(pieces).TrimStart());
        foreach (string piece in pieces)
        {
            Assert.DoesNotContain('\uFFFD', piece);
            Assert.True(IsWellFormed(piece), $"piece '{piece}' splits a surrogate pair");
        }
    }

    private int[] Encode(string text)
    {
        using var sequences = fixture.Model.Tokenizer.Encode(text);
        return sequences[0].ToArray();
    }

    private List<string> Decode(int[] ids)
    {
        using var decoder = new StreamingTextDecoder(fixture.Model.Tokenizer, fixture.Model.TokenizerLock);
        return ids.Select(decoder.Decode).ToList();
    }

    private static bool IsWellFormed(string piece)
    {
        for (int i = 0; i < piece.Length; i++)
        {
            if (char.IsHighSurrogate(piece[i]))
            {
                if (i + 1 >= piece.Length || !char.IsLowSurrogate(piece[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(piece[i]))
            {
                return false;
            }
        }

        return Rune.DecodeFromUtf16(piece, out _, out _) != System.Buffers.OperationStatus.InvalidData || piece.Length == 0;
    }
}
