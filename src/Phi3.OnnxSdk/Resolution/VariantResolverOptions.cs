using Phi3.OnnxSdk.Catalog;

namespace Phi3.OnnxSdk.Resolution;

/// <summary>
/// What the caller wants from <see cref="VariantResolver"/>. A <see langword="null"/> property means "take it from the
/// environment variable, else the default": <c>PHI3_MODEL</c>, <c>PHI3_PROVIDER</c>, <c>PHI3_VARIANT</c>.
/// </summary>
/// <remarks>Not thread-safe to mutate while a resolution reads it.</remarks>
public sealed class VariantResolverOptions
{
    /// <summary>Gets or sets the model family or alias. Default: <c>PHI3_MODEL</c>, else the catalog's default family (<c>phi-3-mini-128k-instruct</c>).</summary>
    public string? Family { get; set; }

    /// <summary>
    /// Gets or sets a provider to force. Default: <c>PHI3_PROVIDER</c> (<c>cpu</c>, <c>cuda</c>, <c>dml</c>), else chosen from
    /// the hardware. A forced provider that cannot run throws instead of falling back to the CPU.
    /// </summary>
    public ExecutionProvider? Provider { get; set; }

    /// <summary>
    /// Gets or sets a variant to force: a full id (<c>family/variant</c>) or a short name or alias in the family.
    /// Default: <c>PHI3_VARIANT</c>, else chosen from the hardware.
    /// </summary>
    public string? Variant { get; set; }

    /// <summary>Gets or sets what to favour when several variants fit. Default: <see cref="VariantPreference.Quality"/>.</summary>
    public VariantPreference? Preference { get; set; }

    /// <summary>Gets or sets the most memory (RAM or VRAM) the model may take, in bytes. Default: no limit beyond the hardware's.</summary>
    public long? MemoryCeilingBytes { get; set; }

    /// <summary>Gets or sets how many tokens of KV cache to budget for. Default: 4096, or the context length when shorter.</summary>
    public int? KvHeadroomTokens { get; set; }

    /// <summary>Gets or sets whether the <c>PHI3_*</c> environment variables fill unset options. Default: <see langword="true"/>.</summary>
    public bool? UseEnvironment { get; set; }
}
