namespace Phi3.OnnxSdk.Hub;

/// <summary>What a HEAD on a file's resolve address tells: its commit, blob name (etag), size and whether it is LFS.</summary>
internal sealed record HubFileMetadata(string RepoPath, string Commit, string Etag, long Size, bool IsLfs);
