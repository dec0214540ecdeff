namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// Describes what to fetch from one Hugging Face model repository: explicit files, a folder to list,
/// or both.
/// </summary>
/// <remarks>Instances are immutable once built and safe to share between threads.</remarks>
public sealed record HubDownloadRequest
{
    /// <summary>Gets the repository id, <c>org/name</c> (for example <c>microsoft/Phi-3-mini-4k-instruct-onnx</c>).</summary>
    public required string RepoId { get; init; }

    /// <summary>
    /// Gets the branch, tag or 40-digit commit to fetch. <see langword="null"/> means <c>main</c>.
    /// Pin a commit for reproducible downloads: branches move.
    /// </summary>
    public string? Revision { get; init; }

    /// <summary>
    /// Gets the files to fetch, with optional expected hashes and sizes. <see langword="null"/> means none
    /// beyond those found under <see cref="Folder"/>.
    /// </summary>
    public IReadOnlyList<HubFile>? Files { get; init; }

    /// <summary>
    /// Gets a repository folder whose files are all fetched (listed recursively through the hub's tree API),
    /// or <see langword="null"/> for none. Use an empty string for the repository root.
    /// </summary>
    public string? Folder { get; init; }
}
