using System.Text;
using Phi3.OnnxSdk.Catalog;

namespace Phi3.OnnxSdk.Resolution;

/// <summary>The variant chosen for a machine, with the reason for it and for every other candidate.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record VariantResolution
{
    /// <summary>Gets the chosen variant.</summary>
    public required ModelVariant Variant { get; init; }

    /// <summary>Gets the family the variant belongs to.</summary>
    public required ModelFamily Family { get; init; }

    /// <summary>Gets the reason the variant was chosen.</summary>
    public required string Reason { get; init; }

    /// <summary>Gets every candidate of the family, the chosen one included, in catalog order.</summary>
    public required IReadOnlyList<CandidateVerdict> Candidates { get; init; }

    /// <summary>
    /// Gets why a GPU that is present is not used (its provider cannot load), or <see langword="null"/> when the
    /// choice is not such a fallback.
    /// </summary>
    public string? Fallback { get; init; }

    /// <summary>Gets the overrides that shaped the choice (for example <c>PHI3_PROVIDER=cpu</c>), empty when none.</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];

    /// <summary>Gets the provider of the chosen variant.</summary>
    public ExecutionProvider Provider => Variant.Provider;

    /// <summary>Returns the whole explanation: the choice, any fallback and overrides, and each rejected candidate.</summary>
    /// <returns>A multi-line explanation.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("Chose ").Append(Variant.Id).Append(": ").AppendLine(Reason);
        if (Fallback is not null)
        {
            text.Append("Fallback: ").AppendLine(Fallback);
        }

        if (Overrides.Count > 0)
        {
            text.Append("Overrides: ").AppendLine(string.Join(", ", Overrides));
        }

        foreach (var candidate in Candidates.Where(c => !c.Chosen))
        {
            text.Append("  not ").AppendLine(candidate.Reason);
        }

        return text.ToString();
    }
}
