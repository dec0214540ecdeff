namespace Phi3.OnnxSdk.SyntheticModels;

/// <summary>
/// How many prompt positions an image takes in Phi-3-vision, as onnxruntime-genai 0.18's image
/// processor (the <c>Phi3ImageTransform</c> of onnxruntime-extensions) computes it; docs/vision.md
/// gives the sources and the experiments that confirm it. The synthetic vision graph computes the
/// same count from <c>image_sizes</c> with ONNX operators.
/// </summary>
public static class Phi3VisionTokenRule
{
    /// <summary>The side of one crop (and of the global image) in pixels.</summary>
    public const int CropSize = 336;

    /// <summary>The most crops an image is cut into; the transform uses 16 whatever <c>num_crops</c> says.</summary>
    public const int MaxCrops = 16;

    /// <summary>Tokens per crop: 24 x 24 patches of 14 pixels, merged 2 x 2 into 12 x 12.</summary>
    public const int TokensPerCrop = 144;

    /// <summary>Token rows (and columns) per crop after the merge.</summary>
    public const int TokenRowsPerCrop = 12;

    /// <summary>
    /// Gets the size of the image after the HD transform: resized so that the crop grid (at most
    /// <see cref="MaxCrops"/> crops) keeps the aspect ratio, then padded with white to whole crops.
    /// </summary>
    /// <param name="width">The decoded image width in pixels.</param>
    /// <param name="height">The decoded image height in pixels.</param>
    /// <returns>The padded height and width, both multiples of <see cref="CropSize"/> (the processor's <c>image_sizes</c> row).</returns>
    /// <exception cref="ArgumentOutOfRangeException">A side is not positive.</exception>
    /// <exception cref="ArgumentException">
    /// The image is so elongated (over 5376:1) that its short side resizes to 0 pixels; the runtime's
    /// transform fails on it ("[hd_transform]: Failed to allocate memory").
    /// </exception>
    public static (int Height, int Width) HdSize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);

        // As the transform does it: in double precision, truncating like its int casts.
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
            throw new ArgumentException($"An image of {width} x {height} pixels is too elongated for the Phi-3-vision transform: its short side would resize to 0 pixels.");
        }

        long paddedShort = (long)Math.Ceiling(shortSide / (double)CropSize) * CropSize;
        return width >= height
            ? ((int)paddedShort, (int)longSide)
            : ((int)longSide, (int)paddedShort);
    }

    /// <summary>
    /// Gets the number of image tokens (placeholder positions) for an image of the given size:
    /// the sub-image grid of <c>rows x columns</c> crops with one newline token per token row,
    /// one separator, then the global 336 x 336 image with its 12 newlines:
    /// <c>(rows * columns + 1) * 144 + 1 + (rows + 1) * 12</c>.
    /// </summary>
    /// <param name="width">The decoded image width in pixels.</param>
    /// <param name="height">The decoded image height in pixels.</param>
    /// <returns>The token count: 1321 (an 8 x 1 crop grid) to 2653 (1 x 16); 2509 for a square image.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A side is not positive.</exception>
    /// <exception cref="ArgumentException">The image is too elongated (see <see cref="HdSize"/>).</exception>
    public static int ImageTokens(int width, int height)
    {
        (int hdHeight, int hdWidth) = HdSize(width, height);
        int rows = hdHeight / CropSize;
        int columns = hdWidth / CropSize;
        return ((rows * columns) + 1) * TokensPerCrop + 1 + ((rows + 1) * TokenRowsPerCrop);
    }
}
