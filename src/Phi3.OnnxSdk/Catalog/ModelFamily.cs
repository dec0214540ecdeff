namespace Phi3.OnnxSdk.Catalog;

/// <summary>A model family (for example <c>phi-3-mini-128k-instruct</c>) whose variants differ by provider and precision.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record ModelFamily
{
    /// <summary>Gets the family identifier, compared without regard to case.</summary>
    public required string Id { get; init; }

    /// <summary>Gets other names for the family (for example <c>phi3-mini</c>).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>Gets a short human-readable description, or <see langword="null"/>.</summary>
    public string? Description { get; init; }
}
