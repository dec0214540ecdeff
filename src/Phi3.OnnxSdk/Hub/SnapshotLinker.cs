namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// Makes a verified blob visible at its snapshot path, atomically: a relative symbolic link (as huggingface_hub
/// makes) or a copy (where links are not allowed, or always when <see cref="HubSettings.UseSymbolicLinks"/> is off);
/// built under a temporary name and renamed into place.
/// </summary>
internal static class SnapshotLinker
{
    /// <summary>
    /// Shows <paramref name="blobPath"/> at <paramref name="pointerPath"/>, unless it already does. With
    /// <paramref name="replaceCopy"/>, a copy is made again even when one of the right size is there (its blob was
    /// just downloaded again, or the copy failed a hash check); a link to the blob is always kept.
    /// </summary>
    public static void Link(string blobPath, string pointerPath, string repoPath, HubSettings settings, bool replaceCopy = false)
    {
        if (PointsTo(pointerPath, blobPath, settings.UseSymbolicLinks) && !(replaceCopy && IsCopy(pointerPath)))
        {
            return;
        }

        var directory = Path.GetDirectoryName(pointerPath)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(pointerPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var linked = false;
            if (settings.UseSymbolicLinks)
            {
                try
                {
                    settings.SymbolicLinkFactory(temporary, Path.GetRelativePath(directory, blobPath));
                    linked = true;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
                {
                    HubLog.CopyingInsteadOfLink(settings.Logger, repoPath, ex.Message);
                }
            }

            if (!linked)
            {
                File.Copy(blobPath, temporary, overwrite: true);
            }

            File.Move(temporary, pointerPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary) || new FileInfo(temporary).LinkTarget is not null)
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>
    /// Tells whether a snapshot path already shows the blob: a copy of the same size, or (when links are allowed)
    /// a symbolic link to it.
    /// </summary>
    public static bool PointsTo(string pointerPath, string blobPath, bool linksAllowed)
    {
        var pointer = new FileInfo(pointerPath);
        if (pointer.LinkTarget is { } target)
        {
            var resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(pointerPath)!, target));
            return linksAllowed && string.Equals(resolved, Path.GetFullPath(blobPath), StringComparison.Ordinal) && File.Exists(blobPath);
        }

        return pointer.Exists && File.Exists(blobPath) && pointer.Length == new FileInfo(blobPath).Length;
    }

    /// <summary>Tells whether a snapshot path holds a regular file (a copy) rather than a symbolic link.</summary>
    public static bool IsCopy(string pointerPath)
    {
        var pointer = new FileInfo(pointerPath);
        return pointer.Exists && pointer.LinkTarget is null;
    }
}
