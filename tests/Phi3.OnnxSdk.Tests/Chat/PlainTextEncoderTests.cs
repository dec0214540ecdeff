using System.Text;
using Phi3.OnnxSdk.Chat;

namespace Phi3.OnnxSdk.Tests.Chat;

[Collection(TinyModelGroup.Name)]
public sealed class PlainTextEncoderTests
{
    private const int Nul = 3, One = 4;
    private readonly TinyModelFixture _fixture;
    private readonly PlainTextEncoder _encoder;

    public PlainTextEncoderTests(TinyModelFixture fixture)
    {
        _fixture = fixture;
        _encoder = new PlainTextEncoder(fixture.Model.NativeTokenizer, fixture.Model.SpecialTokens, fixture.Model.BosTokenId, fixture.Model.ByteTokenIds);
    }

    [Theory]
    [InlineData("abc\0 and then the secret word is pineapple")]
    [InlineData("\0abc")]
    [InlineData("abc\0")]
    [InlineData("\0")]
    [InlineData("a\0\0b c\0 \0d")]
    [InlineData("  spaced \0  out  ")]
    public void Encode_Nul_IsTheByteTokenAndTheRestEncodesAsAroundAnyByteFallbackCharacter(string text)
    {
        // U+0001, like NUL, is outside the vocabulary: byte fallback gives it one token that merges with nothing. The native
        // encoder takes it (it stops only at NUL), so it is the reference for where NUL's byte token goes.
        int[] reference = [.. _fixture.Encode(text.Replace('\0', '\u0001')).Select(id => id == One ? Nul : id)];

        Assert.Equal(reference, _encoder.Encode(text));
        Assert.Equal(text.Count(c => c == '\0'), _encoder.Encode(text).Count(id => id == Nul));
    }

    [Fact]
    public void Encode_NulBesideSpecialTokenText_BothStayPlainText()
    {
        // Special-token text is cut into plain pieces on each side of the byte token.
        const string Text = "x<|end|>\0<|user|>y";
        int[] reference = [.. _encoder.Encode(Text.Replace('\0', '\u0001')).Select(id => id == One ? Nul : id)];

        Assert.Equal(reference, _encoder.Encode(Text));
        Assert.DoesNotContain(_encoder.Encode(Text), id => id >= 32000);
    }

    [Fact]
    public void Encode_SentencePieceSpaceMarker_IsItsUtf8ByteTokensAndDecodesBack()
    {
        // U+2581 is E2 96 81; ids are 3 + byte in the Llama vocabulary. Passed through, it would become a space.
        int[] ids = _encoder.Encode("a\u2581b");

        Assert.Equal([.. _fixture.Encode("a\u0001b").SelectMany(id => id == One ? new[] { 3 + 0xE2, 3 + 0x96, 3 + 0x81 } : [id])], ids);
        Assert.Equal(" a\u2581b", _fixture.Model.NativeTokenizer.Decode(ids));
    }

    [Fact]
    public void Encode_EveryCharacter_ReachesTheModel()
    {
        // Unicode scalar values in chunks: decoding gives the text back (with SentencePiece's leading space). Every value
        // below U+0800 (one- and two-byte UTF-8, all of ASCII and the Latin, Greek, Cyrillic, ... blocks), each UTF-8
        // length's and each plane's edges, the edges around the surrogates and noncharacters, and a fixed sample of
        // 12,000 of the rest: the whole range once took 7 s of every test run for no difference in what it finds.
        // NUL and U+FFFE/U+FFFF cannot come back through the native decoder (a C string; noncharacters dropped): their
        // ids are checked below.
        var points = new SortedSet<int>(Enumerable.Range(1, 0x7FF));
        for (int plane = 0; plane <= 0x10; plane++)
        {
            foreach (int offset in new[] { 0, 1, 0xFFFD, 0xFFFC })
            {
                points.Add((plane << 16) + offset);
            }
        }

        foreach (int edge in new[] { 0x800, 0x801, 0xD7FF, 0xE000, 0xE001, 0xFFFD, 0x2581, 0x10000, 0x10FFFD })
        {
            points.Add(edge);
        }

        var random = new Random(20240229);
        while (points.Count < 0x7FF + 12_000)
        {
            points.Add(random.Next(0x800, 0x110000));
        }

        var all = new StringBuilder();
        foreach (int c in points)
        {
            if (c is (> 0 and < 0xD800) or > 0xDFFF and not (0xFFFE or 0xFFFF))
            {
                all.Append(char.ConvertFromUtf32(c));
            }
        }

        string text = all.ToString();
        for (int at = 0; at < text.Length;)
        {
            int length = Math.Min(4000, text.Length - at);
            length -= char.IsHighSurrogate(text[at + length - 1]) ? 1 : 0;
            string chunk = string.Concat("a", text.AsSpan(at, length));
            Assert.Equal(" " + chunk, _fixture.Model.NativeTokenizer.Decode(_encoder.Encode(chunk)));
            at += length;
        }

        Assert.Equal([263, Nul, 29890], _encoder.Encode("a\0b"));
        Assert.Equal([263, 3 + 0xEF, 3 + 0xBF, 3 + 0xBE, 29890], _encoder.Encode("a\uFFFEb"));
        Assert.Equal([263, 3 + 0xEF, 3 + 0xBF, 3 + 0xBF, 29890], _encoder.Encode("a\uFFFFb"));
    }

    [Theory]
    [InlineData("cut ", '\uD83D', "")]
    [InlineData("", '\uDE00', " low first")]
    [InlineData("in the ", '\uDBFF', "middle")]
    public void Encode_UnpairedSurrogate_ThrowsArgumentExceptionNamingIt(string before, char surrogate, string after)
    {
        // Built here: an attribute's string cannot carry a lone surrogate (it is stored as UTF-8).
        var ex = Assert.Throws<ArgumentException>(() => _encoder.Encode(before + surrogate + after));
        Assert.Contains("surrogate", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_SurrogatePair_IsEncoded() =>
        Assert.Equal(" a😀", _fixture.Model.NativeTokenizer.Decode(_encoder.Encode("a😀")));

    [Fact]
    public void Encode_TokenizerWithoutByteTokens_RefusesNulWithArgumentException()
    {
        var encoder = new PlainTextEncoder(_fixture.Model.NativeTokenizer, _fixture.Model.SpecialTokens, _fixture.Model.BosTokenId, byteTokenIds: null);

        var ex = Assert.Throws<ArgumentException>(() => encoder.Encode("abc\0def"));
        Assert.Contains("NUL", ex.Message, StringComparison.Ordinal);
        Assert.Equal(_fixture.Encode("abc def"), encoder.Encode("abc def"));
    }
}
