using Microsoft.Win32.SafeHandles;

namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// Renames a verified partial file to its blob name, but only while the file on disk is still the one whose bytes were
/// verified: the path names the open file, it has the blob's length and no hole. A program that writes the partial file
/// without taking the lock (the <c>@huggingface/hub</c> npm package opens it with truncation) could otherwise have
/// truncated it just before, and the blob would read as zeros. The file is first renamed to a private name, so no
/// program can open it by its shared name any more, checked again, and only then given the blob name.
/// </summary>
internal static class BlobPublisher
{
    /// <summary>Publishes the open partial file <paramref name="handle"/> as <paramref name="blobPath"/>.</summary>
    /// <exception cref="ForeignWriterException">Another program changed, renamed or replaced the file; nothing was published.</exception>
    public static void Publish(SafeFileHandle handle, string incompletePath, string blobPath, long size)
    {
        Check(handle, incompletePath, size);
        var staging = $"{blobPath}.{Guid.NewGuid():N}.incomplete";
        try
        {
            File.Move(incompletePath, staging);
        }
        catch (FileNotFoundException ex)
        {
            throw new ForeignWriterException($"'{incompletePath}' was renamed or deleted by another program", ex);
        }

        try
        {
            Check(handle, staging, size);
        }
        catch (ForeignWriterException)
        {
            // Give the file back under its shared name to whoever else is writing it.
            try
            {
                File.Move(staging, incompletePath);
            }
            catch (IOException)
            {
                File.Delete(staging);
            }

            throw;
        }

        File.Move(staging, blobPath, overwrite: true);
    }

    /// <exception cref="ForeignWriterException">The file is not as this download left it.</exception>
    private static void Check(SafeFileHandle handle, string path, long size)
    {
        if (!FileIdentity.IsSameFile(handle, path))
        {
            throw new ForeignWriterException($"'{path}' is no longer the file this download wrote (another program renamed or replaced it)");
        }

        var length = RandomAccess.GetLength(handle);
        if (length != size)
        {
            throw new ForeignWriterException($"the file is {length} bytes long instead of {size}");
        }

        if (FileIdentity.FirstHole(handle, length) is var hole && hole < length)
        {
            throw new ForeignWriterException($"the file has a hole at byte {hole} (another program truncated it)");
        }
    }
}
