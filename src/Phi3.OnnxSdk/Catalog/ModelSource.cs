namespace Phi3.OnnxSdk.Catalog;

/// <summary>Where a model variant's files come from: a Hugging Face repository or a local folder.</summary>
/// <remarks>Exactly one of <see cref="HubRepository"/> and <see cref="LocalPath"/> is set. Immutable and thread-safe.</remarks>
public sealed record ModelSource
{
    /// <summary>Gets the hub repository as <c>owner/name</c>, or <see langword="null"/> for a local folder.</summary>
    public string? HubRepository { get; init; }

    /// <summary>Gets the hub revision: a 40-hex commit when <see cref="IsPinned"/>, else a branch such as <c>main</c>.</summary>
    public string? Revision { get; init; }

    /// <summary>Gets a value indicating whether <see cref="Revision"/> is a fixed commit.</summary>
    public bool IsPinned { get; init; }

    /// <summary>Gets the absolute folder of a local model, or <see langword="null"/> for a hub model.</summary>
    public string? LocalPath { get; init; }

    /// <summary>Gets the variant's folder inside the repository or local folder (empty for the root), with <c>/</c> separators.</summary>
    public string Subfolder { get; init; } = string.Empty;
}
