using System.Net;

namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// Fetches the rest of a blob on one connection, from the partial file's end (<c>Range: bytes={n}-</c>), with
/// retries that continue where the last try stopped. A server that answers the range with the whole file is read
/// from its start again.
/// </summary>
internal static class SequentialTransfer
{
    /// <summary>Fetches the bytes from <see cref="VerifyingBlobWriter.Position"/> to the end.</summary>
    public static Task<bool> RunAsync(BlobTransfer transfer, CancellationToken cancellationToken) =>
        HubRetry.ExecuteAsync(
            transfer.Settings,
            transfer.What,
            ct => TransferAsync(transfer, ct),
            () => transfer.Writer.Position,
            cancellationToken);

    private static async Task<bool> TransferAsync(BlobTransfer transfer, CancellationToken cancellationToken)
    {
        var file = transfer.File;
        var writer = transfer.Writer;
        var offset = writer.Position;
        using var response = await transfer.GetAsync(offset, null, alwaysRange: false, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            writer.Restart();
            transfer.Tracker.Restarted(file.RepoPath, offset, file.Size);
            throw new HubTransientException($"The server could not serve '{file.RepoPath}' from byte {offset} (416); starting over.");
        }

        if (offset > 0 && response.StatusCode != HttpStatusCode.PartialContent)
        {
            HubLog.RangeIgnored(transfer.Settings.Logger, file.RepoPath);
            writer.Restart();
            transfer.Tracker.Restarted(file.RepoPath, offset, file.Size);
        }
        else if (offset > 0 && response.Content.Headers.ContentRange?.From is { } from && from != offset)
        {
            writer.Restart();
            transfer.Tracker.Restarted(file.RepoPath, offset, file.Size);
            throw new HubTransientException($"The server answered a request for '{file.RepoPath}' from byte {offset} with bytes from {from}; starting over.");
        }

        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            await CopyAsync(body, transfer, cancellationToken).ConfigureAwait(false);
        }

        if (writer.Position < file.Size)
        {
            throw new HubTransientException($"The connection closed after byte {writer.Position} of {file.Size} of '{file.RepoPath}'.");
        }

        return true;
    }

    /// <summary>
    /// Copies the body to the writer, reading the next bytes while earlier ones are hashed and written (see
    /// <see cref="BlobWritePipeline"/>). Chunks end on 4 KiB boundaries of the file, so that the writer can write them
    /// directly to the disk. Bytes already received are written even when the copy fails or is cancelled, so the
    /// partial file resumes there.
    /// </summary>
    private static async Task CopyAsync(Stream body, BlobTransfer transfer, CancellationToken cancellationToken)
    {
        var file = transfer.File;
        var writer = transfer.Writer;
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var chunkSize = transfer.ChunkSize;
        using var pipeline = new BlobWritePipeline(writer, chunkSize, transfer.Write);

        // Counted here, not read from the writer, whose position the write stage moves.
        var received = writer.Position;
        AlignedBuffer? current = null;
        var filled = 0;

        // The bytes after the last 4 KiB boundary of a chunk handed on early; they start the next chunk.
        var carry = new byte[DirectIO.Alignment];
        var carried = 0;

        void Submit(bool final)
        {
            // More bytes than the hub announced are dropped; verification then fails on the size.
            var count = (int)Math.Clamp(file.Size - received, 0, filled);
            var end = received + count;
            var keep = final || end == file.Size ? 0 : (int)(end % DirectIO.Alignment);
            if (keep == count && count > 0)
            {
                return; // not yet up to a boundary: keep reading into the same chunk
            }

            current!.Span.Slice(count - keep, keep).CopyTo(carry);
            carried = keep;
            received += count - keep;
            pipeline.Submit(current, count - keep);
            current = null;
            filled = 0;
        }

        try
        {
            while (true)
            {
                if (current is null)
                {
                    current = await pipeline.RentAsync(cancellationToken).ConfigureAwait(false);
                    carry.AsSpan(0, carried).CopyTo(current.Span);
                    filled = carried;
                    carried = 0;
                }

                var read = await transfer.ReadAsync(body, current.Memory[filled..], stall, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                // A full chunk goes on; so does a partial one when the stages are idle (a slow link), so that
                // progress and the partial file keep up with what has arrived.
                filled += read;
                if (filled == chunkSize || pipeline.IsIdle)
                {
                    Submit(final: false);
                }
            }
        }
        finally
        {
            if (current is not null && filled > 0)
            {
                Submit(final: true);
            }
            else if (current is not null)
            {
                pipeline.Return(current);
            }

            await pipeline.CompleteAsync().ConfigureAwait(false);

            // A carry that never reached a next chunk (renting it was cancelled) follows the drained chunks.
            if (carried > 0)
            {
                writer.Hash(carry.AsSpan(0, carried));
                transfer.Write(carry.AsSpan(0, carried));
            }
        }
    }
}
