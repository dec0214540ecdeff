using Microsoft.Extensions.AI;
using Phi3.OnnxSdk.SyntheticModels;
using Phi3.OnnxSdk.Tests.Faults;

namespace Phi3.OnnxSdk.Tests.Vision;

/// <summary>
/// Bad images (run in a child process by <see cref="ImageFaultTests"/>): bytes that make the 0.18 runtime exit the
/// process or hang when it decodes them itself are refused by the SDK with a .NET exception, or decoded safely; huge,
/// elongated and too many images are refused from their headers, before any pixel is decoded.
/// </summary>
public sealed class ImageAttacks
{
    private static readonly Lazy<Phi3Model> s_model = new(() => new Phi3Model(TestModelCache.GetOrBuild("tiny-vision")));

    private ImageAttacks()
    {
    }

    private static Phi3ChatClient NewClient() => new(s_model.Value, new Phi3ChatClientOptions { EnableKvReuse = false });

    private static ChatMessage[] Ask(params AIContent[] contents) => [new(ChatRole.User, [.. contents, new TextContent("What is it?")])];

    private static T Refused<T>(AIContent image)
        where T : Exception
    {
        using var client = NewClient();
        return Assert.Throws<T>(() => client.GetStreamingResponseAsync(Ask(image), new ChatOptions { MaxOutputTokens = 1 }));
    }

    private static async Task<long> AnswerTokensAsync(AIContent image)
    {
        using var client = NewClient();
        var response = await client.GetResponseAsync(Ask(image), new ChatOptions { MaxOutputTokens = 2 });
        return response.Usage!.InputTokenCount!.Value;
    }

    private static long TextTokens()
    {
        using var client = NewClient();

        // The same message around a 336 x 336 PNG, less its placeholders.
        return client.GetResponseAsync(Ask(new DataContent(SyntheticImages.Png(336, 336, 1), "image/png")), new ChatOptions { MaxOutputTokens = 1 })
            .GetAwaiter().GetResult().Usage!.InputTokenCount!.Value - Phi3VisionTokenRule.ImageTokens(336, 336);
    }

    [Attack]
    public static void RandomBytesRefused()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        var ex = Refused<ArgumentException>(new DataContent(bytes, "image/jpeg"));
        Assert.Contains("not an image", ex.Message, StringComparison.Ordinal);
    }

    [Attack]
    public static void EmptyBytesRefused() => Assert.Contains("empty", Refused<ArgumentException>(new DataContent(Array.Empty<byte>(), "image/png")).Message, StringComparison.Ordinal);

    [Attack]
    public static void JpegCutAfterHeaderRefusedNotHung()
    {
        var ex = Refused<ArgumentException>(new DataContent(TestImages.JpegCutAfterHeader(), "image/jpeg"));
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Attack]
    public static void JpegCutInsideHeaderRefused() => Refused<ArgumentException>(new DataContent(TestImages.JpegCutInsideHeader(), "image/jpeg"));

    [Attack]
    public static void JpegWithCorruptScanRefusedOrDecodedSafely()
    {
        using var client = NewClient();
        try
        {
            var response = client.GetResponseAsync(Ask(new DataContent(TestImages.JpegWithCorruptScan(), "image/jpeg")), new ChatOptions { MaxOutputTokens = 2 }).GetAwaiter().GetResult();
            Assert.Equal(TextTokens() + Phi3VisionTokenRule.ImageTokens(320, 240), response.Usage!.InputTokenCount);
        }
        catch (ArgumentException ex)
        {
            Assert.Contains("damaged", ex.Message, StringComparison.Ordinal);
        }
    }

    [Attack]
    public static void TruncatedPngRefused()
    {
        byte[] png = SyntheticImages.Png(336, 336, 1);
        Assert.Contains("truncated", Refused<ArgumentException>(new DataContent(png.AsMemory(0, png.Length / 2), "image/png")).Message, StringComparison.Ordinal);
    }

    [Attack]
    public static void HugeImageRefusedFromItsHeader()
    {
        // The header-only PNG has no pixel data: had its pixels been decoded, the refusal would say "truncated".
        var ex = Refused<ArgumentException>(new DataContent(SyntheticImages.PngHeaderOnly(20000, 20000), "image/png"));
        Assert.Contains("20000 x 20000", ex.Message, StringComparison.Ordinal);
        Assert.Contains("16384", ex.Message, StringComparison.Ordinal);

        // 12000 x 9000: each side fits, the pixel count does not.
        Assert.Contains("100 megapixels", Refused<ArgumentException>(new DataContent(SyntheticImages.PngHeaderOnly(12000, 9000), "image/png")).Message, StringComparison.Ordinal);
    }

    [Attack]
    public static void TooElongatedImageRefused() =>
        Assert.Contains("elongated", Refused<ArgumentException>(new DataContent(SyntheticImages.Png(6000, 1, 1), "image/png")).Message, StringComparison.Ordinal);

    [Attack]
    public static void MoreImagesThanTheContextHoldsRefusedBeforeThePrefill()
    {
        // tiny-vision's context is 8192 tokens; a square image takes 2509.
        var square = new DataContent(SyntheticImages.Png(336, 336, 1), "image/png");
        using var client = NewClient();
        var ex = Assert.Throws<ArgumentException>(() => client.GetStreamingResponseAsync(Ask(square, square, square, square)));
        Assert.Contains("context", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, client.PrefilledTokens);
    }

    [Attack]
    public static void UnsupportedMediaTypesRefused()
    {
        Assert.Contains("image/png", Refused<NotSupportedException>(new DataContent(TestImages.Bmp(), "image/tiff")).Message, StringComparison.Ordinal);
        Refused<NotSupportedException>(new DataContent(TestImages.Bmp(), "application/pdf"));
        Assert.Contains("file:", Refused<NotSupportedException>(new UriContent(new Uri("https://example.com/cat.png"), "image/png")).Message, StringComparison.Ordinal);
        Assert.Contains("cannot be read", Refused<ArgumentException>(new UriContent(new Uri(Path.Combine(Path.GetTempPath(), "no-such-image-" + Guid.NewGuid().ToString("N") + ".png")), "image/png")).Message, StringComparison.Ordinal);
    }

    /// <summary>The runtime exits the process on every non-PNG buffer; through the SDK these formats work and count as the token rule says.</summary>
    [Attack]
    public static async Task JpegBmpGifAndWebPDecodeSafely()
    {
        long text = TextTokens();
        Assert.Equal(text + Phi3VisionTokenRule.ImageTokens(320, 240), await AnswerTokensAsync(new DataContent(TestImages.Jpeg(), "image/jpeg")));
        Assert.Equal(text + Phi3VisionTokenRule.ImageTokens(320, 240), await AnswerTokensAsync(new DataContent(TestImages.WebP(), "image/webp")));
        Assert.Equal(text + Phi3VisionTokenRule.ImageTokens(64, 48), await AnswerTokensAsync(new DataContent(TestImages.Bmp(), "image/bmp")));
        Assert.Equal(text + Phi3VisionTokenRule.ImageTokens(1, 1), await AnswerTokensAsync(new DataContent(TestImages.Gif(), "image/gif")));
    }

    /// <summary>The runtime refuses CMYK JPEG; SkiaSharp converts it.</summary>
    [Attack]
    public static async Task CmykJpegDecodes()
    {
        byte[] cmyk = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Vision", "Images", "cmyk-320x240.jpg"));
        Assert.Equal(TextTokens() + Phi3VisionTokenRule.ImageTokens(320, 240), await AnswerTokensAsync(new DataContent(cmyk, "image/jpeg")));
    }

    /// <summary>Disposing the client while image requests run (decode, processor, prefill) ends them with .NET exceptions; the native processor is freed after them.</summary>
    [Attack]
    public static async Task DisposeWhileImageRequestsRun()
    {
        foreach (int delay in new[] { 0, 20, 80, 200 })
        {
            var client = new Phi3ChatClient(s_model.Value, new Phi3ChatClientOptions { EnableKvReuse = false });
            var requests = Enumerable.Range(0, 3).Select(i => Task.Run(() => client.GetResponseAsync(Ask(new DataContent(SyntheticImages.Png(1344, 1008, i), "image/png")), new ChatOptions { MaxOutputTokens = 4 }))).ToList();
            await Task.Delay(delay);
            client.Dispose();
            foreach (var request in requests)
            {
                try
                {
                    await request;
                }
                catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException)
                {
                }
            }
        }

        // The shared model still serves images afterwards.
        Assert.True(await AnswerTokensAsync(new DataContent(SyntheticImages.Png(336, 336, 1), "image/png")) > Phi3VisionTokenRule.ImageTokens(336, 336));
    }
}
