namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// What the cache holds for a request, found without the hub: the snapshot of the revision (a commit hash, or the
/// commit its ref names) and which of the wanted files it shows. For a folder, the wanted files are those its
/// <see cref="SnapshotListing"/> recorded; a folder without a record cannot be shown complete and counts as missing.
/// </summary>
internal sealed class CachedSnapshotLookup
{
    private readonly List<string> _details = [];

    private CachedSnapshotLookup(string? commit) => Commit = commit;

    /// <summary>Gets the cached commit of the revision, or <see langword="null"/> when no snapshot of it is cached.</summary>
    public string? Commit { get; }

    /// <summary>Gets the local path of each wanted file the snapshot shows, keyed by repository path.</summary>
    public Dictionary<string, string> Paths { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the repository paths the snapshot lacks (a folder, as <c>folder/</c>, when its file list was never recorded).</summary>
    public List<string> Missing { get; } = [];

    /// <summary>Gets whether the snapshot exists and shows every wanted file.</summary>
    public bool IsComplete => Commit is not null && Missing.Count == 0;

    /// <summary>Gets the missing files for a message: each path, with what is known about it.</summary>
    public string MissingDescription => string.Join(", ", _details);

    public static CachedSnapshotLookup Find(HubCacheLayout layout, string revision, IReadOnlyList<HubFile> requested, string? folder)
    {
        string? commit = null;
        if (HubPath.IsCommitHash(revision))
        {
            commit = revision;
        }
        else if (File.Exists(layout.RefPath(revision)))
        {
            commit = File.ReadAllText(layout.RefPath(revision)).Trim();
        }

        if (commit is null || !HubPath.IsCommitHash(commit) || !Directory.Exists(layout.SnapshotDirectory(commit)))
        {
            return new CachedSnapshotLookup(null);
        }

        var lookup = new CachedSnapshotLookup(commit);
        if (folder is not null)
        {
            lookup.FindFolder(layout, folder);
        }

        foreach (var file in requested)
        {
            var local = layout.SnapshotFilePath(commit, file.Path);
            var length = TryLengthOf(local);
            if (length < 0 || (file.Size is { } size && size != length))
            {
                lookup.Add(file.Path, file.Path);
            }
            else
            {
                lookup.Paths[file.Path] = local;
            }
        }

        return lookup;
    }

    /// <summary>The length of a file, following a symbolic link to its blob.</summary>
    public static long LengthOf(string path)
    {
        using var handle = File.OpenHandle(path);
        return RandomAccess.GetLength(handle);
    }

    /// <summary>The length of the file a snapshot path shows, or -1 when there is none to read (a link whose blob is gone included).</summary>
    private static long TryLengthOf(string path)
    {
        try
        {
            return LengthOf(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    private void FindFolder(HubCacheLayout layout, string folder)
    {
        var name = folder.Length == 0 ? "(the repository root)" : folder + "/";
        var listing = SnapshotListing.Read(layout, Commit!, folder);
        if (listing is null)
        {
            var partial = Directory.Exists(layout.BlobsDirectory) ? Directory.GetFiles(layout.BlobsDirectory, "*.incomplete").Length : 0;
            Add(
                folder.Length == 0 ? "/" : folder + "/",
                $"{name}, whose file list was never recorded (the snapshot was not downloaded by this SDK, or its download stopped before the list was read), so it cannot be shown complete"
                + (partial > 0 ? $"; blobs/ holds {partial} partial download(s)" : string.Empty));
            return;
        }

        foreach (var (path, size, etag) in listing)
        {
            var local = layout.SnapshotFilePath(Commit!, path);
            var length = TryLengthOf(local);
            if (length == size)
            {
                Paths[path] = local;
                continue;
            }

            var incomplete = new FileInfo(layout.IncompletePath(etag));
            Add(path, incomplete.Exists ? $"{path} ({incomplete.Length:N0} of {size:N0} bytes in {incomplete.FullName})" : path);
        }
    }

    private void Add(string path, string detail)
    {
        Missing.Add(path);
        _details.Add(detail);
    }
}
