namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// Paths of one repository in the huggingface_hub cache: <c>models--org--name/{blobs,snapshots,refs}</c>, with
/// locks under <c>.locks/models--org--name</c>, exactly where Python's huggingface_hub puts them.
/// </summary>
internal sealed class HubCacheLayout
{
    public HubCacheLayout(string cacheDirectory, string repoId)
    {
        CacheDirectory = cacheDirectory;
        FolderName = "models--" + repoId.Replace("/", "--", StringComparison.Ordinal);
        RepoDirectory = Path.Combine(cacheDirectory, FolderName);
        BlobsDirectory = Path.Combine(RepoDirectory, "blobs");
        LocksDirectory = Path.Combine(cacheDirectory, ".locks", FolderName);
    }

    public string CacheDirectory { get; }

    public string FolderName { get; }

    public string RepoDirectory { get; }

    public string BlobsDirectory { get; }

    public string LocksDirectory { get; }

    public string BlobPath(string etag) => Path.Combine(BlobsDirectory, etag);

    public string IncompletePath(string etag) => BlobPath(etag) + ".incomplete";

    public string LockPath(string etag) => Path.Combine(LocksDirectory, etag + ".lock");

    public string SnapshotDirectory(string commit) => Path.Combine(RepoDirectory, "snapshots", commit);

    public string SnapshotFilePath(string commit, string repoPath) => HubPath.Combine(SnapshotDirectory(commit), repoPath);

    public string RefPath(string revision) => HubPath.Combine(Path.Combine(RepoDirectory, "refs"), revision);
}
