namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// One file of a Hugging Face repository, as named by a catalog or a tree listing.
/// </summary>
/// <param name="Path">
/// The file's path inside the repository, with <c>/</c> separators (for example
/// <c>cpu_and_mobile/cpu-int4-rtn-block-32/genai_config.json</c>).
/// </param>
/// <remarks>Instances are immutable and safe to share between threads.</remarks>
public sealed record HubFile(string Path)
{
    /// <summary>
    /// Gets the expected SHA-256 of the file content as 64 hexadecimal digits, or <see langword="null"/>
    /// when not known. For LFS files the hub's own hash (X-Linked-Etag) is used when this is <see langword="null"/>.
    /// </summary>
    public string? Sha256 { get; init; }

    /// <summary>Gets the expected size in bytes, or <see langword="null"/> when not known.</summary>
    public long? Size { get; init; }

    /// <summary>
    /// Gets the git blob id (SHA-1 of <c>"blob {size}\0" + content</c>) of a non-LFS file as reported by
    /// a tree listing, or <see langword="null"/>. When set and no <see cref="Sha256"/> is known, the
    /// download is verified against it.
    /// </summary>
    public string? GitObjectId { get; init; }
}
