namespace Phi3.OnnxSdk.Hub;

/// <summary>One file of a download after its HEAD: where it goes and what it must hash to.</summary>
internal sealed record PlannedFile(HubFileMetadata Metadata, string? ExpectedSha256, string? ExpectedGitObjectId, bool Cached, long PartialBytes)
{
    public string RepoPath => Metadata.RepoPath;

    public long Size => Metadata.Size;

    public string Etag => Metadata.Etag;

    /// <summary>Gets the digest the bytes must have (SHA-256, else git blob id), or <see langword="null"/> when only the size is known.</summary>
    public string? ExpectedHash => ExpectedSha256 ?? ExpectedGitObjectId;

    /// <summary>Gets the name of <see cref="ExpectedHash"/>'s algorithm as messages show it, or <see langword="null"/>.</summary>
    public string? HashAlgorithm => ExpectedSha256 is not null ? "sha256" : ExpectedGitObjectId is not null ? "git-sha1" : null;
}
