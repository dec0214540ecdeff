using SkiaSharp;

namespace Phi3.OnnxSdk.Tests.Vision;

/// <summary>Encoded test images in the formats and the damaged shapes the vision tests need.</summary>
internal static class TestImages
{
    /// <summary>A 320 x 240 JPEG of a smooth pattern, encoded by SkiaSharp.</summary>
    public static byte[] Jpeg() => Encode(SKEncodedImageFormat.Jpeg);

    /// <summary>A 320 x 240 lossless WebP, encoded by SkiaSharp.</summary>
    public static byte[] WebP() => Encode(SKEncodedImageFormat.Webp);

    /// <summary>A 64 x 48 24-bit bottom-up BMP, written by hand (SkiaSharp encodes no BMP).</summary>
    public static byte[] Bmp(int width = 64, int height = 48)
    {
        int stride = ((width * 3) + 3) & ~3;
        int size = 54 + (stride * height);
        var bytes = new byte[size];
        "BM"u8.CopyTo(bytes);
        BitConverter.GetBytes(size).CopyTo(bytes, 2);
        BitConverter.GetBytes(54).CopyTo(bytes, 10);
        BitConverter.GetBytes(40).CopyTo(bytes, 14);
        BitConverter.GetBytes(width).CopyTo(bytes, 18);
        BitConverter.GetBytes(height).CopyTo(bytes, 22);
        BitConverter.GetBytes((short)1).CopyTo(bytes, 26);
        BitConverter.GetBytes((short)24).CopyTo(bytes, 28);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int at = 54 + (y * stride) + (x * 3);
                bytes[at] = (byte)(x * 4);
                bytes[at + 1] = (byte)(y * 5);
                bytes[at + 2] = (byte)((x + y) * 2);
            }
        }

        return bytes;
    }

    /// <summary>A 1 x 1 GIF89a (a two-colour palette, one white pixel), written by hand.</summary>
    public static byte[] Gif() =>
    [
        .. "GIF89a"u8, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00,
        0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B,
    ];

    /// <summary>
    /// The JPEG cut after its header and part of its scan, with no end-of-image marker: the input that makes the 0.18
    /// runtime's libjpeg loop forever.
    /// </summary>
    public static byte[] JpegCutAfterHeader()
    {
        byte[] jpeg = Jpeg();
        return jpeg[..(jpeg.Length * 2 / 3)];
    }

    /// <summary>The JPEG cut inside its header (the runtime exits the process on it).</summary>
    public static byte[] JpegCutInsideHeader() => Jpeg()[..100];

    /// <summary>The JPEG with its entropy-coded data overwritten by markers in the middle (the runtime exits the process on it).</summary>
    public static byte[] JpegWithCorruptScan()
    {
        byte[] jpeg = Jpeg();
        for (int i = jpeg.Length / 2; i < (jpeg.Length / 2) + 64; i += 2)
        {
            jpeg[i] = 0xFF;
            jpeg[i + 1] = 0x99;
        }

        return jpeg;
    }

    private static byte[] Encode(SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(320, 240, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < 240; y++)
        {
            for (int x = 0; x < 320; x++)
            {
                bitmap.SetPixel(x, y, new SKColor((byte)x, (byte)(y * 2), (byte)(x + y)));
            }
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }
}
