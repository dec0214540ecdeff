using System.Security.Cryptography;
using SkiaSharp;

namespace Phi3.OnnxSdk.Vision;

/// <summary>
/// Checks and decodes message images with SkiaSharp (whose decoders report bad input as results, never by ending the
/// process) and re-encodes them as 8-bit RGBA PNG for onnxruntime-genai. The size is read from the header first, so a
/// huge image is refused before its pixels are decoded. Stateless and thread-safe.
/// </summary>
internal static class ImageDecoder
{
    private static readonly SKPngEncoderOptions s_png = new(SKPngEncoderFilterFlags.NoFilters, zLibLevel: 1);

    /// <summary>Reads the image's size from its header and checks it against <see cref="Phi3ImageLimits"/>.</summary>
    /// <returns>The width and height in pixels and the image tokens they take.</returns>
    /// <exception cref="NotSupportedException">The declared media type is not an image type the decoder takes.</exception>
    /// <exception cref="ArgumentException">The bytes are not an image of a supported format, or it is too large or too elongated.</exception>
    public static (int Width, int Height, int Tokens) ReadHeader(EncodedImage image)
    {
        CheckMediaType(image);
        using var codec = OpenCodec(image);
        return CheckSize(image, codec.Info.Width, codec.Info.Height);
    }

    /// <summary>Decodes the image and encodes it as PNG.</summary>
    /// <exception cref="NotSupportedException">The declared media type is not an image type the decoder takes.</exception>
    /// <exception cref="ArgumentException">The bytes are not a complete, valid image of a supported format, or it is too large or too elongated.</exception>
    public static VisionImage ToPng(EncodedImage image)
    {
        CheckMediaType(image);
        using var codec = OpenCodec(image);
        var (width, height, tokens) = CheckSize(image, codec.Info.Width, codec.Info.Height);
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            string why = result == SKCodecResult.IncompleteInput ? "it is truncated (the data ends before the image does)" : $"its data is damaged ({result})";
            throw ImageErrors.Invalid($"The {image.Source} cannot be decoded: {why}. Send the complete image file.");
        }

        using var pixmap = bitmap.PeekPixels();
        using var png = pixmap.Encode(s_png) ?? throw new InvalidOperationException($"SkiaSharp could not encode the {image.Source} as PNG.");
        byte[] bytes = png.ToArray();
        return new VisionImage(bytes, width, height, tokens, Convert.ToHexString(SHA256.HashData(bytes)));
    }

    private static void CheckMediaType(EncodedImage image)
    {
        string type = image.MediaType.Split(';')[0].Trim().ToLowerInvariant();
        if (type == "image/jpg")
        {
            return;
        }

        if (!Phi3ImageLimits.SupportedMediaTypes.Contains(type))
        {
            throw new NotSupportedException(
                $"The {image.Source} has media type '{image.MediaType}', which the vision model does not take. Convert it to one of: {string.Join(", ", Phi3ImageLimits.SupportedMediaTypes)}.");
        }
    }

    private static SKCodec OpenCodec(EncodedImage image)
    {
        if (image.Bytes.IsEmpty)
        {
            throw ImageErrors.Invalid($"The {image.Source} is empty. Send the image file's bytes.");
        }

        using var data = SKData.CreateCopy(image.Bytes.Span);
        using var stream = new SKMemoryStream(data);
        var codec = SKCodec.Create(stream, out var result);
        if (codec is null)
        {
            throw ImageErrors.Invalid($"The {image.Source} is not an image in a supported format ({result}): the bytes start with {Describe(image.Bytes.Span)}. Send PNG, JPEG, GIF, BMP or WebP bytes.");
        }

        return codec;
    }

    private static (int Width, int Height, int Tokens) CheckSize(EncodedImage image, int width, int height)
    {
        if (width <= 0 || height <= 0)
        {
            throw ImageErrors.Invalid($"The {image.Source} has no pixels ({width} x {height}).");
        }

        if (width > Phi3ImageLimits.MaxSide || height > Phi3ImageLimits.MaxSide || (long)width * height > Phi3ImageLimits.MaxPixels)
        {
            throw ImageErrors.Invalid($"The {image.Source} is {width} x {height} pixels; the vision model takes at most {Phi3ImageLimits.MaxSide} pixels a side and {Phi3ImageLimits.MaxPixels / 1_000_000} megapixels. Scale it down first (Phi-3-vision sees at most 1344 pixels on its long side anyway).");
        }

        int tokens = VisionTokenRule.ImageTokens(width, height);
        if (tokens < 0)
        {
            throw ImageErrors.Invalid($"The {image.Source} is {width} x {height} pixels, more elongated than the {Phi3ImageLimits.MaxAspectRatio}:1 the vision model takes (its short side would shrink to 0 pixels). Crop or pad it.");
        }

        return (width, height, tokens);
    }

    private static string Describe(ReadOnlySpan<byte> bytes) =>
        bytes.IsEmpty ? "nothing" : string.Join(' ', bytes[..Math.Min(8, bytes.Length)].ToArray().Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
}
