namespace Phi3.OnnxSdk.Catalog;

/// <summary>One file of a model variant, relative to the variant's folder.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record ModelFile
{
    /// <summary>Gets the path relative to the variant's folder, with <c>/</c> separators.</summary>
    public required string Path { get; init; }

    /// <summary>Gets the size in bytes, or <see langword="null"/> when the catalog does not know it.</summary>
    public long? SizeBytes { get; init; }

    /// <summary>Gets the lower-case hex SHA-256 of the file, or <see langword="null"/> when unknown.</summary>
    public string? Sha256 { get; init; }
}
