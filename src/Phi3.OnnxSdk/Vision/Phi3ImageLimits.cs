namespace Phi3.OnnxSdk.Vision;

/// <summary>
/// The images a vision model (genai_config.json type <c>phi3v</c>) takes through <see cref="Phi3ChatClient"/>: the
/// formats decoded and the size limits, which are onnxruntime-genai 0.18's own (docs/vision.md). An image outside them is
/// refused with <see cref="ArgumentException"/> (size, shape, damaged bytes) or <see cref="NotSupportedException"/>
/// (format, media type) before any native call of the runtime.
/// </summary>
public static class Phi3ImageLimits
{
    /// <summary>The most pixels on either side of an image (the runtime's decoder limit).</summary>
    public const int MaxSide = 16384;

    /// <summary>The most pixels of an image, width times height (the runtime's decoder limit: 100 megapixels).</summary>
    public const long MaxPixels = 100_000_000;

    /// <summary>
    /// The most elongated image, long side over short side (5376:1, sixteen crops of 336 pixels over one pixel): beyond it
    /// Phi-3-vision's transform resizes the short side to 0 pixels.
    /// </summary>
    public const int MaxAspectRatio = VisionTokenRule.MaxAspectRatio;

    /// <summary>Gets the media types decoded: PNG, JPEG, GIF (the first frame), BMP and WebP.</summary>
    public static IReadOnlyList<string> SupportedMediaTypes { get; } = ["image/png", "image/jpeg", "image/gif", "image/bmp", "image/webp"];
}
