using Microsoft.Extensions.Logging;

namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// Makes a verified blob visible at its snapshot path, atomically: a relative symbolic link (as huggingface_hub
/// makes) or, where links are not allowed, a copy; built under a temporary name and renamed into place.
/// </summary>
internal static class SnapshotLinker
{
    public static void Link(string blobPath, string pointerPath, string repoPath, ILogger logger)
    {
        if (PointsTo(pointerPath, blobPath))
        {
            return;
        }

        var directory = Path.GetDirectoryName(pointerPath)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(pointerPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            try
            {
                File.CreateSymbolicLink(temporary, Path.GetRelativePath(directory, blobPath));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
            {
                HubLog.CopyingInsteadOfLink(logger, repoPath, ex.Message);
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

    /// <summary>Tells whether a snapshot path already shows the blob (a link to it, or a copy of the same size).</summary>
    public static bool PointsTo(string pointerPath, string blobPath)
    {
        var pointer = new FileInfo(pointerPath);
        if (pointer.LinkTarget is { } target)
        {
            var resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(pointerPath)!, target));
            return string.Equals(resolved, Path.GetFullPath(blobPath), StringComparison.Ordinal) && File.Exists(blobPath);
        }

        return pointer.Exists && File.Exists(blobPath) && pointer.Length == new FileInfo(blobPath).Length;
    }
}
