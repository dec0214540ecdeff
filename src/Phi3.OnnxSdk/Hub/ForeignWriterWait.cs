using System.Diagnostics;

namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// After another program was caught writing a partial blob without the lock: waits for it instead of racing it. When
/// it publishes the blob, the blob is checked (hashed) and used; when it goes quiet (the partial file unchanged for
/// <see cref="HubSettings.Timeout"/>, or gone with no blob), the caller downloads the rest itself.
/// </summary>
internal static class ForeignWriterWait
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>Waits for the other writer of <paramref name="file"/>'s blob.</summary>
    /// <param name="layout">The repository's cache folders.</param>
    /// <param name="file">The file whose blob is being written.</param>
    /// <param name="settings">The downloader's settings (logger, time-out).</param>
    /// <param name="matchesAsync">Hashes a finished blob and tells whether it has the expected digest (logging a mismatch).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when a checked blob is in place; <see langword="false"/> when the caller should download it.</returns>
    public static async Task<bool> WaitAsync(HubCacheLayout layout, PlannedFile file, HubSettings settings, Func<string, CancellationToken, Task<bool>> matchesAsync, CancellationToken cancellationToken)
    {
        var blob = layout.BlobPath(file.Etag);
        var incomplete = new FileInfo(layout.IncompletePath(file.Etag));
        var last = State(incomplete);
        var changed = Stopwatch.GetTimestamp();
        while (true)
        {
            var blobInfo = new FileInfo(blob);
            if (blobInfo.Exists && blobInfo.Length == file.Size)
            {
                if (file.ExpectedHash is null || await matchesAsync(blob, cancellationToken).ConfigureAwait(false))
                {
                    HubLog.AcceptedForeignBlob(settings.Logger, file.RepoPath, file.Etag);
                    return true;
                }

                File.Delete(blob);
                return false;
            }

            var now = State(incomplete);
            if (now != last)
            {
                last = now;
                changed = Stopwatch.GetTimestamp();
            }
            else if (!now.Exists || Stopwatch.GetElapsedTime(changed) >= settings.Timeout)
            {
                HubLog.ForeignWriterQuiet(settings.Logger, incomplete.FullName, Stopwatch.GetElapsedTime(changed), now.Length);
                return false;
            }

            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
        }
    }

    private static (bool Exists, long Length, DateTime Written) State(FileInfo file)
    {
        file.Refresh();
        return file.Exists ? (true, file.Length, file.LastWriteTimeUtc) : (false, 0, default);
    }
}
