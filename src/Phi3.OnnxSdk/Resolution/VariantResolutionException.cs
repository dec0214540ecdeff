namespace Phi3.OnnxSdk.Resolution;

/// <summary>
/// Thrown when no variant of the family can run on the machine, or when a forced provider or variant cannot run
/// (the SDK never silently swaps a requested GPU for the CPU). The message explains every candidate.
/// </summary>
public sealed class VariantResolutionException : InvalidOperationException
{
    /// <summary>Initializes a new instance of the <see cref="VariantResolutionException"/> class.</summary>
    public VariantResolutionException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="VariantResolutionException"/> class.</summary>
    /// <param name="message">The message.</param>
    public VariantResolutionException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="VariantResolutionException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public VariantResolutionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="VariantResolutionException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="candidates">The verdict on every candidate.</param>
    public VariantResolutionException(string message, IReadOnlyList<CandidateVerdict> candidates)
        : base(message)
    {
        Candidates = candidates;
    }

    /// <summary>Gets the verdict on every candidate considered (empty when the request itself was contradictory).</summary>
    public IReadOnlyList<CandidateVerdict> Candidates { get; } = [];
}
