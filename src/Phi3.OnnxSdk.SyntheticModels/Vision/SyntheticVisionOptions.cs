namespace Phi3.OnnxSdk.SyntheticModels;

/// <summary>
/// The vision tower of a synthetic Phi-3-vision (<c>phi3v</c>) model: a patch embedding over each
/// 336 x 336 crop, the 2 x 2 patch merge, the HD layout of Phi-3-vision (sub-image grid with a
/// newline token per row, a separator, the global image with its newlines) and the two-layer
/// projection into the decoder's hidden size. The CLIP transformer layers are left out.
/// </summary>
public sealed record SyntheticVisionOptions
{
    /// <summary>Gets the width of a patch feature (CLIP ViT-L/14: 1024); merged 2 x 2 it is four times this.</summary>
    public int ClipHiddenSize { get; init; } = 16;

    /// <summary>Checks the vision shape against the model it belongs to.</summary>
    /// <exception cref="ArgumentException">A size is not positive or does not fit the precision.</exception>
    public void Validate(SyntheticModelOptions model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (ClipHiddenSize <= 0)
        {
            throw new ArgumentException($"The vision patch width must be positive, not {ClipHiddenSize}.");
        }

        if (model.Precision == SyntheticPrecision.Int4 && (4 * ClipHiddenSize) % model.BlockSize != 0)
        {
            throw new ArgumentException($"For int4 the merged patch width (4 x {ClipHiddenSize}) must be a multiple of the block size ({model.BlockSize}).");
        }
    }
}
