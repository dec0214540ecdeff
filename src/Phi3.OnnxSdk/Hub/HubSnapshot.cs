namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// The result of <see cref="HuggingFaceDownloader.DownloadAsync"/>: where the requested files lie in the
/// huggingface_hub cache.
/// </summary>
/// <remarks>Instances are immutable and safe to share between threads.</remarks>
public sealed class HubSnapshot
{
    internal HubSnapshot(string repoId, string revision, string commitHash, string directory, IReadOnlyDictionary<string, string> localPaths, long bytesDownloaded)
    {
        RepoId = repoId;
        Revision = revision;
        CommitHash = commitHash;
        Directory = directory;
        LocalPaths = localPaths;
        BytesDownloaded = bytesDownloaded;
    }

    /// <summary>Gets the repository id.</summary>
    public string RepoId { get; }

    /// <summary>Gets the revision that was asked for.</summary>
    public string Revision { get; }

    /// <summary>Gets the commit the revision resolved to.</summary>
    public string CommitHash { get; }

    /// <summary>Gets the snapshot folder, <c>{cache}/models--org--name/snapshots/{commit}</c>.</summary>
    public string Directory { get; }

    /// <summary>Gets the absolute local path of each requested file, keyed by its repository path.</summary>
    public IReadOnlyDictionary<string, string> LocalPaths { get; }

    /// <summary>Gets the number of bytes this call received over the network (0 when everything was cached).</summary>
    public long BytesDownloaded { get; }
}
