namespace Phi3.OnnxSdk.Vision;

/// <summary>
/// How many prompt positions an image of a given size takes in Phi-3-vision, as onnxruntime-genai 0.18's image processor
/// (onnxruntime-extensions' <c>Phi3ImageTransform</c>, always 16 crops of 336 pixels) computes it; docs/vision.md, "The
/// token rule". The synthetic models' <c>Phi3VisionTokenRule</c> is the same rule (the tests compare both with the
/// runtime). Stateless and thread-safe.
/// </summary>
internal static class VisionTokenRule
{
    /// <summary>The side of one crop in pixels.</summary>
    public const int CropSize = 336;

    /// <summary>The most crops an image is cut into.</summary>
    public const int MaxCrops = 16;

    /// <summary>Tokens per crop (12 x 12).</summary>
    public const int TokensPerCrop = 144;

    /// <summary>Token rows per crop.</summary>
    public const int TokenRowsPerCrop = 12;

    /// <summary>The most elongated image the transform takes: beyond it the short side resizes to 0 pixels.</summary>
    public const int MaxAspectRatio = MaxCrops * CropSize;

    /// <summary>Gets the image tokens of an image of <paramref name="width"/> x <paramref name="height"/> pixels: <c>(rows * columns + 1) * 144 + 1 + (rows + 1) * 12</c> for its crop grid.</summary>
    /// <returns>The token count, or -1 when the image is too elongated (its short side would resize to 0 pixels).</returns>
    public static int ImageTokens(int width, int height)
    {
        double ratio = width >= height ? (double)width / height : (double)height / width;
        int scale = 1;
        while (scale * Math.Ceiling(scale / ratio) <= MaxCrops)
        {
            scale++;
        }

        scale--;
        long longSide = (long)scale * CropSize;
        long shortSide = (long)(longSide / ratio);
        if (shortSide == 0)
        {
            return -1;
        }

        int shortCrops = (int)Math.Ceiling(shortSide / (double)CropSize);
        int rows = width >= height ? shortCrops : scale;
        int columns = width >= height ? scale : shortCrops;
        return ((rows * columns) + 1) * TokensPerCrop + 1 + ((rows + 1) * TokenRowsPerCrop);
    }
}
