namespace Phi3.OnnxSdk.Hub;

/// <summary>One file of a download after its HEAD: where it goes and what it must hash to.</summary>
internal sealed record PlannedFile(HubFileMetadata Metadata, string? ExpectedSha256, string? ExpectedGitObjectId, bool Cached, long PartialBytes)
{
    public string RepoPath => Metadata.RepoPath;

    public long Size => Metadata.Size;

    public string Etag => Metadata.Etag;
}
