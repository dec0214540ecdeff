using System.Globalization;

namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// Downloads one blob, under its lock, into its partial file and publishes it once verified: in ranges on several
/// connections or on one (<see cref="RangedTransfer"/>, <see cref="SequentialTransfer"/>), checking the hash over every
/// byte and, before publishing, that the file on disk is still the one written (<see cref="BlobPublisher"/>).
/// </summary>
internal sealed class BlobDownload(HubHttpClient http, HubSettings settings, HubCacheLayout layout, string repoId, string commit, PlannedFile file, ProgressTracker tracker)
{
    /// <summary>How many times a download waits for another program writing its blob without the lock before it gives up.</summary>
    private const int MaxForeignWriterRounds = 3;

    /// <summary>
    /// Downloads a blob under its lock. When another program is caught writing the same partial file without the lock,
    /// the download waits for it and uses the blob it publishes (after hashing it), or continues on its own once that
    /// program goes quiet.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(layout.BlobsDirectory);
        var location = new DownloadLocation(http.ResolveUrl(repoId, commit, file.RepoPath));
        for (var round = 1; ; round++)
        {
            try
            {
                await RunOnceAsync(location, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ForeignWriterException ex)
            {
                HubLog.ForeignWriter(settings.Logger, layout.IncompletePath(file.Etag), layout.LockPath(file.Etag), ex.Message);
                if (await ForeignWriterWait.WaitAsync(layout, file, settings, (path, ct) => BlobHasher.MatchesAsync(path, "blob", file, settings, ct), cancellationToken).ConfigureAwait(false))
                {
                    tracker.FileStarted(file.RepoPath, file.Size, file.Size);
                    return;
                }

                if (round == MaxForeignWriterRounds)
                {
                    throw new HubException(
                        $"'{file.RepoPath}' of {repoId}@{commit}: another program kept rewriting '{layout.IncompletePath(file.Etag)}' without taking the lock '{layout.LockPath(file.Etag)}' ({ex.Message}). Let it finish or stop it, then try again.",
                        ex);
                }
            }
        }
    }

    private async Task RunOnceAsync(DownloadLocation location, CancellationToken cancellationToken)
    {
        var incomplete = layout.IncompletePath(file.Etag);
        using var writer = new VerifyingBlobWriter(incomplete, file.Size, sha256: file.ExpectedSha256 is not null, gitSha1: file.ExpectedGitObjectId is not null, directWrites: settings.UseDirectIO);
        tracker.FileStarted(file.RepoPath, writer.Position, file.Size);
        HubLog.Downloading(settings.Logger, file.RepoPath, file.Size, writer.Position);
        string? actual;
        try
        {
            if (writer.Position < file.Size)
            {
                var transfer = new BlobTransfer(http, settings, location, repoId, commit, file, writer, tracker);
                if (!RangedTransfer.Applies(settings, file.Size - writer.Position) || !await RangedTransfer.RunAsync(transfer, cancellationToken).ConfigureAwait(false))
                {
                    await SequentialTransfer.RunAsync(transfer, cancellationToken).ConfigureAwait(false);
                }
            }

            actual = writer.Complete();
            HubLog.WroteDirectly(settings.Logger, file.RepoPath, writer.DirectBytes, writer.WrittenBytes);
        }
        catch
        {
            tracker.FileFailed(writer.Position);
            throw;
        }

        var received = writer.Position;
        var algorithm = writer.AlgorithmName;
        var expected = file.ExpectedSha256 ?? file.ExpectedGitObjectId;
        string? failure = null;
        if (received != file.Size)
        {
            failure = $"expected {file.Size} bytes but received {received}";
            expected = file.Size.ToString(CultureInfo.InvariantCulture);
            actual = received.ToString(CultureInfo.InvariantCulture);
        }
        else if (expected is not null && !string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
        {
            failure = $"expected {algorithm} {expected} but the downloaded bytes hash to {algorithm} {actual}";
        }

        if (failure is not null)
        {
            tracker.FileFailed(received);
            if (FileIdentity.IsSameFile(writer.Handle, incomplete))
            {
                File.Delete(incomplete);
            }

            HubLog.VerificationFailed(settings.Logger, file.RepoPath, expected!, actual!);
            throw new HubIntegrityException(
                $"'{file.RepoPath}' of {repoId}@{commit} failed verification: {failure}. The partial blob was deleted and nothing was added to the snapshot; try again, and report the file if it keeps failing.")
            {
                Expected = expected,
                Actual = actual,
            };
        }

        if (actual is not null)
        {
            HubLog.Verified(settings.Logger, file.RepoPath, algorithm!, actual);
        }

        try
        {
            BlobPublisher.Publish(writer.Handle, incomplete, layout.BlobPath(file.Etag), file.Size);
        }
        catch (ForeignWriterException)
        {
            tracker.FileFailed(received);
            throw;
        }
    }
}
