namespace Phi3.OnnxSdk.SyntheticModels;

/// <summary>
/// The named model shapes: <c>tiny</c>, <c>tiny-int4</c> and <c>mini-int4</c> (text), <c>tiny-vision</c>
/// and <c>vision-int4</c> (Phi-3-vision, model type <c>phi3v</c>).
/// </summary>
public static class SyntheticModelPresets
{
    /// <summary>2 layers, hidden 128, fp32, context 4096: built in seconds, for tests.</summary>
    public static SyntheticModelOptions Tiny { get; } = new() { Preset = "tiny" };

    /// <summary>The <see cref="Tiny"/> shape with int4 MatMulNBits weights (block 32, accuracy level 4).</summary>
    public static SyntheticModelOptions TinyInt4 { get; } = Tiny with { Preset = "tiny-int4", Precision = SyntheticPrecision.Int4 };

    /// <summary>
    /// The exact Phi-3-mini shape (32 layers, hidden 3072, 32 heads of 96, MLP 8192, context 131072),
    /// int4, weights in an external data file: for benchmarks.
    /// </summary>
    public static SyntheticModelOptions MiniInt4 { get; } = new()
    {
        Preset = "mini-int4",
        Layers = 32,
        HiddenSize = 3072,
        NumHeads = 32,
        NumKeyValueHeads = 32,
        IntermediateSize = 8192,
        ContextLength = 131072,
        Precision = SyntheticPrecision.Int4,
        ExternalData = true,
    };

    /// <summary>
    /// The <see cref="Tiny"/> decoder as a Phi-3-vision model (vision, embedding and text graphs,
    /// processor_config.json) with 16-wide patch features and context 8192 (an image takes up to
    /// 2653 tokens): built in seconds, for tests.
    /// </summary>
    public static SyntheticModelOptions TinyVision { get; } = Tiny with
    {
        Preset = "tiny-vision",
        ContextLength = 8192,
        Vision = new SyntheticVisionOptions { ClipHiddenSize = 16 },
    };

    /// <summary>
    /// Phi-3-vision's real shapes: the <see cref="MiniInt4"/> decoder (Phi-3-vision's text model is
    /// Phi-3-mini's shape) and the vision tower's real widths (CLIP ViT-L/14 patch features of 1024,
    /// merged to 4096, projected to 3072), int4, external data: for benchmarks. The CLIP
    /// transformer layers are not built, so the vision graph costs less than the real one.
    /// </summary>
    public static SyntheticModelOptions VisionInt4 { get; } = MiniInt4 with
    {
        Preset = "vision-int4",
        Vision = new SyntheticVisionOptions { ClipHiddenSize = 1024 },
    };

    /// <summary>Gets the preset names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["tiny", "tiny-int4", "mini-int4", "tiny-vision", "vision-int4"];

    /// <summary>Finds a preset by name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No preset has that name.</exception>
    public static SyntheticModelOptions Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToUpperInvariant() switch
        {
            "TINY" => Tiny,
            "TINY-INT4" => TinyInt4,
            "MINI-INT4" => MiniInt4,
            "TINY-VISION" => TinyVision,
            "VISION-INT4" => VisionInt4,
            _ => throw new ArgumentException($"Unknown preset '{name}'. Known presets: {string.Join(", ", Names)}.", nameof(name)),
        };
    }
}
