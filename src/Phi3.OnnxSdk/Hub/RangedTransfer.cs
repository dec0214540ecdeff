using System.Net;
using System.Runtime.ExceptionServices;

namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// Fetches the rest of a large blob on several connections at once, each asking for its own ranges
/// (<c>Range: bytes={a}-{b}</c>), while the blob is still hashed and written as one stream in file order.
/// </summary>
/// <remarks>
/// <para>
/// The file from the partial file's end on is cut into ranges of <see cref="HubSettings.RangeSize"/> bytes (the first
/// ends on a range boundary), and each range into chunks of the write path's size. Each connection takes the next
/// range nobody has, fills chunks from its body and hands each full chunk over; chunks are submitted to the
/// <see cref="BlobWritePipeline"/> in file order, so the partial file only ever grows by the next bytes and stays a
/// contiguous prefix of the blob (huggingface_hub resumes from its length). A connection waits before filling a chunk
/// that lies more than the window (two ranges per connection) beyond the next chunk to be written: memory stays bounded
/// by the window whatever order the ranges arrive in, and the chunk the writer waits for can always be filled.
/// </para>
/// <para>
/// A range that fails (a drop, a stall, 429, 5xx) is retried from its last received byte, on its own, with the usual
/// back-off. A server that answers a range request with anything but 206 stops the ranged transfer: what is contiguous
/// is written and the caller fetches the rest on one connection. Ranges received beyond the contiguous prefix when a
/// transfer stops (cancelled, failed) are dropped and fetched again next time.
/// </para>
/// </remarks>
internal sealed class RangedTransfer : IDisposable
{
    private readonly BlobTransfer _transfer;
    private readonly long _start;
    private readonly long _end;
    private readonly int _rangeSize;
    private readonly int _chunkSize;
    private readonly int _windowChunks;
    private readonly int _connections;
    private readonly BlobWritePipeline _pipeline;
    private readonly Dictionary<long, (AlignedBuffer Buffer, int Count)> _ready = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop;
    private long _head;
    private long _nextRange;
    private readonly TaskCompletionSource _firstAnswer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _headMoved = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _failure;

    private RangedTransfer(BlobTransfer transfer, CancellationToken cancellationToken)
    {
        _transfer = transfer;
        _start = transfer.Writer.Position;
        _end = transfer.File.Size;
        _rangeSize = transfer.Settings.RangeSize;

        // Chunks never straddle a range: both sizes are multiples of 4 KiB, and so is their greatest common divisor.
        _chunkSize = (int)GreatestCommonDivisor(_rangeSize, transfer.ChunkSize);
        var ranges = LastRange - FirstRange + 1;
        _connections = (int)Math.Min(transfer.Settings.ConnectionsPerFile, ranges);
        _windowChunks = (int)(2L * _connections * _rangeSize / _chunkSize);
        _head = _start / _chunkSize;
        _nextRange = FirstRange;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        // Every chunk inside the window may be rented at once; the rest of the depth keeps the stages busy.
        _pipeline = new BlobWritePipeline(transfer.Writer, _chunkSize, transfer.Write, _windowChunks + BlobWritePipeline.Depth);
    }

    private long FirstRange => _start / _rangeSize;

    private long LastRange => (_end - 1) / _rangeSize;

    /// <summary>Tells whether the rest of a file is worth fetching in ranges: more than one connection allowed, and at least two ranges left.</summary>
    public static bool Applies(HubSettings settings, long remaining) =>
        settings.ConnectionsPerFile > 1 && remaining >= 2L * settings.RangeSize;

    /// <summary>
    /// Fetches the bytes from <see cref="VerifyingBlobWriter.Position"/> to the end. Returns <see langword="false"/>
    /// when the server would not serve ranges; the partial file then holds every contiguous byte received, and the
    /// caller continues on one connection.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<bool> RunAsync(BlobTransfer transfer, CancellationToken cancellationToken)
    {
        using var ranged = new RangedTransfer(transfer, cancellationToken);
        return await ranged.RunAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        _pipeline.Dispose();
        _stop.Dispose();
    }

    private static long GreatestCommonDivisor(long a, long b) => b == 0 ? a : GreatestCommonDivisor(b, a % b);

    private async Task<bool> RunAsync()
    {
        HubLog.DownloadingRanges(_transfer.Settings.Logger, _transfer.File.RepoPath, _connections, _rangeSize, _start);
        // The other connections start once the first has its answer: they use the CDN address it was redirected to
        // instead of each asking the hub, and a server that ignores ranges is found out by one request.
        var workers = new Task[_connections];
        workers[0] = Task.Run(WorkAsync);
        await _firstAnswer.Task.ConfigureAwait(false);
        for (var i = 1; i < workers.Length; i++)
        {
            workers[i] = Task.Run(WorkAsync);
        }

        await Task.WhenAll(workers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        lock (_gate)
        {
            foreach (var (buffer, _) in _ready.Values)
            {
                _pipeline.Return(buffer);
            }

            _ready.Clear();
        }

        // What the stages failed with (a full disk, another program writing the file) matters more than the
        // cancellation it caused on the connections.
        await _pipeline.CompleteAsync().ConfigureAwait(false);
        switch (_failure)
        {
            case null:
                return true;
            case RangesRefusedException refused:
                HubLog.RangesRefused(_transfer.Settings.Logger, _transfer.File.RepoPath, refused.Status);
                return false;
            default:
                ExceptionDispatchInfo.Throw(_failure);
                return false;
        }
    }

    private async Task WorkAsync()
    {
        try
        {
            while (Interlocked.Increment(ref _nextRange) - 1 is var range && range <= LastRange)
            {
                await FetchRangeAsync(range, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            // The first failure stops the other connections; theirs (cancellations) are not kept.
            Interlocked.CompareExchange(ref _failure, ex, null);
            await _stop.CancelAsync().ConfigureAwait(false);
        }
        finally
        {
            _firstAnswer.TrySetResult();
        }
    }

    private async Task FetchRangeAsync(long range, CancellationToken cancellationToken)
    {
        var start = Math.Max(_start, range * _rangeSize);
        var end = Math.Min(_end, (range + 1) * _rangeSize);
        var received = start;
        AlignedBuffer? buffer = null;

        // No request is sent for a range outside the window: its body would only wait in the socket.
        await WaitForWindowAsync(start / _chunkSize, cancellationToken).ConfigureAwait(false);
        try
        {
            await HubRetry.ExecuteAsync(
                _transfer.Settings,
                $"{_transfer.What} (bytes {start}-{end - 1})",
                async ct =>
                {
                    using var response = await GetAsync(received, end - 1, ct).ConfigureAwait(false);
                    if (response.StatusCode != HttpStatusCode.PartialContent)
                    {
                        throw new RangesRefusedException((int)response.StatusCode);
                    }

                    if (response.Content.Headers.ContentRange?.From is { } from && from != received)
                    {
                        throw new HubTransientException($"The server answered a request for bytes {received}-{end - 1} of '{_transfer.File.RepoPath}' with bytes from {from}.");
                    }

                    var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                    await using (body.ConfigureAwait(false))
                    {
                        using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
                        while (received < end)
                        {
                            var chunk = received / _chunkSize;
                            var chunkStart = Math.Max(_start, chunk * _chunkSize);
                            var chunkEnd = Math.Min(end, (chunk + 1) * _chunkSize);
                            if (buffer is null)
                            {
                                stall.CancelAfter(Timeout.Infinite); // waiting for the writer is not a stalled server
                                await WaitForWindowAsync(chunk, ct).ConfigureAwait(false);
                                buffer = await _pipeline.RentAsync(ct).ConfigureAwait(false);
                            }

                            var filled = (int)(received - chunkStart);
                            var read = await _transfer.ReadAsync(body, buffer.Memory[filled..(int)(chunkEnd - chunkStart)], stall, ct).ConfigureAwait(false);
                            if (read == 0)
                            {
                                throw new HubTransientException($"The connection closed after byte {received} of bytes {start}-{end - 1} of '{_transfer.File.RepoPath}'.");
                            }

                            received += read;
                            if (received == chunkEnd)
                            {
                                Deliver(chunk, buffer, (int)(chunkEnd - chunkStart));
                                buffer = null;
                            }
                        }
                    }

                    return true;
                },
                () => received,
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (buffer is not null)
            {
                _pipeline.Return(buffer);
            }
        }
    }

    private async Task<HttpResponseMessage> GetAsync(long from, long to, CancellationToken cancellationToken)
    {
        try
        {
            return await _transfer.GetAsync(from, to, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _firstAnswer.TrySetResult();
        }
    }

    /// <summary>Waits until <paramref name="chunk"/> lies inside the window after the next chunk to be written.</summary>
    private async Task WaitForWindowAsync(long chunk, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task moved;
            lock (_gate)
            {
                if (chunk < _head + _windowChunks)
                {
                    return;
                }

                moved = _headMoved.Task;
            }

            await moved.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Hands a filled chunk over; it and any received chunks that follow it go to the stages, in file order.</summary>
    private void Deliver(long chunk, AlignedBuffer buffer, int count)
    {
        TaskCompletionSource? moved = null;
        lock (_gate)
        {
            _ready.Add(chunk, (buffer, count));
            while (_ready.Remove(_head, out var next))
            {
                _pipeline.Submit(next.Buffer, next.Count);
                _head++;
                moved ??= _headMoved;
            }

            if (moved is not null)
            {
                _headMoved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        moved?.TrySetResult();
    }

    /// <summary>The server answered a range request with something other than 206 (ignored it, or 416).</summary>
    private sealed class RangesRefusedException(int status) : Exception($"The server answered a range request with {status}.")
    {
        public int Status { get; } = status;
    }
}
