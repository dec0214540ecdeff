namespace Phi3.OnnxSdk.SyntheticModels;

/// <summary>
/// The shape of a synthetic Phi-3 model. Start from a preset in <see cref="SyntheticModelPresets"/>
/// and override fields with <c>with</c>.
/// </summary>
public sealed record SyntheticModelOptions
{
    /// <summary>The Phi-3 vocabulary size: 32000 Llama-2 pieces, 11 added tokens, padding to 32064.</summary>
    public const int Phi3VocabSize = 32064;

    /// <summary>Gets the preset name this shape came from, written into the model's metadata.</summary>
    public string Preset { get; init; } = "custom";

    /// <summary>Gets the number of decoder layers.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>Gets the hidden size; a multiple of <see cref="NumHeads"/> and, for int4, of <see cref="BlockSize"/>.</summary>
    public int HiddenSize { get; init; } = 128;

    /// <summary>Gets the number of attention heads.</summary>
    public int NumHeads { get; init; } = 4;

    /// <summary>Gets the number of key/value heads (Phi-3-mini uses as many as attention heads).</summary>
    public int NumKeyValueHeads { get; init; } = 4;

    /// <summary>Gets the MLP intermediate size.</summary>
    public int IntermediateSize { get; init; } = 256;

    /// <summary>Gets the context length (rotary tables and <c>max_length</c> in genai_config.json).</summary>
    public int ContextLength { get; init; } = 4096;

    /// <summary>Gets how projection weights are stored.</summary>
    public SyntheticPrecision Precision { get; init; } = SyntheticPrecision.Fp32;

    /// <summary>Gets the int4 quantization block size.</summary>
    public int BlockSize { get; init; } = 32;

    /// <summary>Gets the MatMulNBits accuracy level (4 = int8 compute, as in the acc-level-4 variants).</summary>
    public int AccuracyLevel { get; init; } = 4;

    /// <summary>Gets the seed of the random weights.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Gets a value indicating whether weights go to an external <c>.onnx.data</c> file.</summary>
    public bool ExternalData { get; init; }

    /// <summary>
    /// Gets the vision tower, which makes this a Phi-3-vision (<c>phi3v</c>) model of three graphs;
    /// <see langword="null"/> (the default) builds a text-only Phi-3 model.
    /// </summary>
    public SyntheticVisionOptions? Vision { get; init; }

    /// <summary>Gets the size of one attention head.</summary>
    public int HeadSize => NumHeads > 0 ? HiddenSize / NumHeads : 0;

    /// <summary>Checks the shape and throws when it cannot make a valid model.</summary>
    /// <exception cref="ArgumentException">A size is not positive or sizes do not fit together.</exception>
    public void Validate()
    {
        RequirePositive(Layers, "layers");
        RequirePositive(HiddenSize, "hidden size");
        RequirePositive(NumHeads, "attention heads");
        RequirePositive(NumKeyValueHeads, "key/value heads");
        RequirePositive(IntermediateSize, "intermediate size");
        RequirePositive(ContextLength, "context length");
        RequirePositive(BlockSize, "block size");
        if (HiddenSize % NumHeads != 0)
        {
            throw new ArgumentException($"The hidden size {HiddenSize} must be a multiple of the {NumHeads} attention heads.");
        }

        if (NumHeads % NumKeyValueHeads != 0)
        {
            throw new ArgumentException($"The {NumHeads} attention heads must be a multiple of the {NumKeyValueHeads} key/value heads.");
        }

        if (HeadSize % 2 != 0)
        {
            throw new ArgumentException($"The head size {HeadSize} must be even for rotary embedding.");
        }

        if (Precision == SyntheticPrecision.Int4 && (HiddenSize % BlockSize != 0 || IntermediateSize % BlockSize != 0 || BlockSize % 2 != 0))
        {
            throw new ArgumentException($"For int4 the hidden size ({HiddenSize}) and intermediate size ({IntermediateSize}) must be multiples of the block size ({BlockSize}).");
        }

        if (AccuracyLevel is < 0 or > 4)
        {
            throw new ArgumentException($"The accuracy level must be 0 to 4, not {AccuracyLevel}.");
        }

        Vision?.Validate(this);
    }

    private static void RequirePositive(int value, string what)
    {
        if (value <= 0)
        {
            throw new ArgumentException($"The {what} must be positive, not {value}.");
        }
    }
}
