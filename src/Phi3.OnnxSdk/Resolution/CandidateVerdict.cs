using Phi3.OnnxSdk.Catalog;

namespace Phi3.OnnxSdk.Resolution;

/// <summary>What the resolver decided about one candidate variant, and why.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record CandidateVerdict
{
    /// <summary>Gets the candidate.</summary>
    public required ModelVariant Variant { get; init; }

    /// <summary>Gets a value indicating whether this candidate was chosen.</summary>
    public bool Chosen { get; init; }

    /// <summary>Gets a value indicating whether the candidate could run on the machine (whether or not it was chosen).</summary>
    public bool CanRun { get; init; }

    /// <summary>Gets the estimated memory the candidate needs (weights, KV headroom and runtime overhead), in bytes.</summary>
    public long RequiredBytes { get; init; }

    /// <summary>Gets the readable reason, starting with the variant name (for example "cuda-fp16: needs about 9.5 GB VRAM, the GPU has 8.0 GB").</summary>
    public required string Reason { get; init; }

    /// <summary>Returns <see cref="Reason"/>.</summary>
    /// <returns>The reason.</returns>
    public override string ToString() => Reason;
}
