using System.Diagnostics;
using System.Net;
using System.Runtime.ExceptionServices;

namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// Fetches the rest of a large blob on one connection, and on several at once when one is slow, each asking for its
/// own ranges (<c>Range: bytes={a}-{b}</c>), while the blob is still hashed and written as one stream in file order.
/// </summary>
/// <remarks>
/// <para>
/// The first connection asks for spans of 1, 2, 4, then 8 ranges of <see cref="HubSettings.RangeSize"/> bytes (every
/// request names its last byte, so no byte is ever sent twice). Once it has shown its rate (the bytes it received over
/// the time it spent waiting for them, so time spent waiting for the writer does not count) and that rate is below
/// <see cref="HubSettings.FanOutBelowBytesPerSecond"/>, or when it has shown nothing after <see cref="HubSettings.FanOutProbeTime"/>, the
/// ranges after its current span go to more connections, up to <see cref="HubSettings.ConnectionsPerFile"/>: content
/// delivery networks cap each connection, so several reach a multiple of one's rate. A connection fast enough on its
/// own (a fast link, or the loopback) keeps the whole file: more connections would only cost work.
/// </para>
/// <para>
/// Each range is read into chunks of the write path's size; chunks go to the <see cref="BlobWritePipeline"/> in file
/// order, so the partial file only ever grows by the next bytes and stays a contiguous prefix of the blob (huggingface_hub
/// resumes from its length). A connection does not ask for, nor fill, a chunk more than the window beyond the next chunk
/// to be written (as many chunks as the one-connection path keeps in flight, and two ranges per connection once split): memory stays bounded whatever order the ranges arrive in, and the
/// chunk the writer waits for can always be filled.
/// </para>
/// <para>
/// A range that fails (a drop, a stall, 429, 5xx) is retried from its last received byte, on its own, with the usual
/// back-off. A server that answers a range request with anything but 206 stops the transfer: what is contiguous is
/// written and the caller fetches the rest on one connection (a server that answers the very first request from byte 0
/// with the whole file is simply read to the end). Ranges received beyond the contiguous prefix when a transfer stops
/// (cancelled, failed) are dropped and fetched again next time.
/// </para>
/// </remarks>
internal sealed class RangedTransfer : IDisposable
{
    /// <summary>How many bytes the first connection's rate is measured over before it is judged (at most one range).</summary>
    private const int ProbeBytes = 2 << 20;

    /// <summary>The most ranges the first connection asks for at once (its spans double up to this).</summary>
    private const int MaxSpanRanges = 8;

    private readonly BlobTransfer _transfer;
    private readonly long _start;
    private readonly long _end;
    private readonly int _rangeSize;
    private readonly int _chunkSize;
    private readonly int _windowChunks;
    private readonly int _connections;
    private readonly long _probeBytes;
    private readonly BlobWritePipeline _pipeline;
    private readonly Dictionary<long, (AlignedBuffer Buffer, int Count)> _ready = [];
    private readonly List<Task> _workers = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop;
    private long _head;
    private int _window = BlobWritePipeline.Depth;
    private long _nextRange = long.MaxValue;
    private long _firstEnd;
    private bool _fanOutClosed;
    private long _firstBytes;
    private long _firstReadTicks;
    private TaskCompletionSource _headMoved = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _failure;

    private RangedTransfer(BlobTransfer transfer, CancellationToken cancellationToken)
    {
        _transfer = transfer;
        _start = transfer.Writer.Position;
        _end = transfer.File.Size;
        _firstEnd = _start;
        _rangeSize = transfer.Settings.RangeSize;
        _probeBytes = Math.Min(ProbeBytes, _rangeSize);

        // Chunks never straddle a range: both sizes are multiples of 4 KiB, and so is their greatest common divisor.
        _chunkSize = (int)GreatestCommonDivisor(_rangeSize, transfer.ChunkSize);
        _connections = (int)Math.Min(transfer.Settings.ConnectionsPerFile, ((_end - 1) / _rangeSize) - (_start / _rangeSize) + 1);
        _windowChunks = (int)(2L * _connections * _rangeSize / _chunkSize);
        _head = _start / _chunkSize;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        // Every chunk inside the window may be rented at once; the rest of the depth keeps the stages busy.
        _pipeline = new BlobWritePipeline(transfer.Writer, _chunkSize, transfer.Write, _windowChunks + BlobWritePipeline.Depth);
    }

    private long LastRange => (_end - 1) / _rangeSize;

    /// <summary>Tells whether the rest of a file may be worth fetching in ranges: more than one connection allowed, and at least two ranges left.</summary>
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
        var first = Task.Run(() => WorkAsync(first: true));
        var probe = FanOutUnlessShownFastAsync();
        await first.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Task[] others;
        lock (_gate)
        {
            _fanOutClosed = true; // the first connection is done: nothing is left to hand out to new ones
            others = [.. _workers];
        }

        await Task.WhenAll(others).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _stop.CancelAsync().ConfigureAwait(false);
        await probe.ConfigureAwait(false);
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

    /// <summary>Starts more connections after <see cref="HubSettings.FanOutProbeTime"/> when the first has not shown its rate by then (slow, or not yet answering).</summary>
    private async Task FanOutUnlessShownFastAsync()
    {
        try
        {
            await Task.Delay(_transfer.Settings.FanOutProbeTime, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (Volatile.Read(ref _firstBytes) < _probeBytes)
        {
            FanOut();
        }
    }

    /// <summary>
    /// Hands the ranges after the first connection's current span to the other connections and starts them. Runs once,
    /// on the first connection's thread or the probe timer's.
    /// </summary>
    private void FanOut()
    {
        lock (_gate)
        {
            if (_fanOutClosed)
            {
                return;
            }

            _fanOutClosed = true;
            if (_firstEnd >= _end)
            {
                return;
            }

            _nextRange = _firstEnd / _rangeSize;
            _window = _windowChunks;
            var seconds = (double)_firstReadTicks / Stopwatch.Frequency;
            HubLog.DownloadingRanges(_transfer.Settings.Logger, _transfer.File.RepoPath, _connections, _rangeSize, _firstEnd, seconds > 0 ? Volatile.Read(ref _firstBytes) / seconds : 0);
            for (var i = 1; i < _connections; i++)
            {
                _workers.Add(Task.Run(() => WorkAsync(first: false)));
            }
        }
    }

    private async Task WorkAsync(bool first)
    {
        try
        {
            if (first)
            {
                await FetchSpansAsync().ConfigureAwait(false);
            }

            while (TakeRange() is { } range)
            {
                var start = Math.Max(_start, range * _rangeSize);
                var end = Math.Min(_end, (range + 1) * _rangeSize);

                // No request is sent for a range outside the window: its body would only wait in the socket.
                await WaitForWindowAsync(start / _chunkSize, _stop.Token).ConfigureAwait(false);
                await FetchAsync(start, received => received >= end ? received : Math.Min(end, ChunkEnd(received)), end - 1, first: false, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            // The first failure stops the other connections; theirs (cancellations) are not kept.
            Interlocked.CompareExchange(ref _failure, ex, null);
            await _stop.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The first connection: spans of doubling size from the start, until the rest has gone to other connections or the file ends.</summary>
    private async Task FetchSpansAsync()
    {
        var position = _start;
        var spanRanges = 1L;
        while (true)
        {
            long spanEnd;
            lock (_gate)
            {
                if (_nextRange != long.MaxValue || position >= _end)
                {
                    return; // the ranges after the last span are the other connections'
                }

                _firstEnd = spanEnd = Math.Min(_end, ((position / _rangeSize) + spanRanges) * _rangeSize);
            }

            await FetchAsync(position, ClaimFirst, spanEnd - 1, first: true, _stop.Token).ConfigureAwait(false);
            lock (_gate)
            {
                position = _firstEnd; // the whole file, when the server answered with all of it
            }

            spanRanges = Math.Min(spanRanges * 2, MaxSpanRanges);
        }
    }

    private long? TakeRange()
    {
        lock (_gate)
        {
            return _nextRange <= LastRange ? _nextRange++ : null;
        }
    }

    private long ChunkEnd(long offset) => Math.Min(_end, ((offset / _chunkSize) + 1) * _chunkSize);

    /// <summary>The end of the next chunk the first connection fills, or <paramref name="received"/> once its span is done.</summary>
    private long ClaimFirst(long received)
    {
        lock (_gate)
        {
            return received >= _firstEnd ? received : Math.Min(_firstEnd, ChunkEnd(received));
        }
    }

    /// <summary>
    /// Fetches the bytes from <paramref name="start"/> that <paramref name="claim"/> hands out chunk by chunk (it returns
    /// the end of the next chunk to fill, or the offset it is given once the span is done), asking for bytes up to
    /// <paramref name="last"/>, retrying from the last received byte.
    /// </summary>
    private async Task FetchAsync(long start, Func<long, long> claim, long last, bool first, CancellationToken cancellationToken)
    {
        var received = start;
        AlignedBuffer? buffer = null;
        try
        {
            await HubRetry.ExecuteAsync(
                _transfer.Settings,
                $"{_transfer.What} (from byte {start})",
                async ct =>
                {
                    using var response = await _transfer.GetAsync(received, last, alwaysRange: true, ct).ConfigureAwait(false);
                    if (response.StatusCode != HttpStatusCode.PartialContent)
                    {
                        // A server that ignores ranges answers the first request from byte 0 with the whole file: read it.
                        if (!(first && received == 0 && response.StatusCode == HttpStatusCode.OK && CloseFanOut()))
                        {
                            throw new RangesRefusedException((int)response.StatusCode);
                        }

                        HubLog.RangesRefused(_transfer.Settings.Logger, _transfer.File.RepoPath, (int)response.StatusCode);
                    }
                    else if (response.Content.Headers.ContentRange?.From is { } from && from != received)
                    {
                        throw new HubTransientException($"The server answered a request for '{_transfer.File.RepoPath}' from byte {received} with bytes from {from}.");
                    }

                    var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                    await using (body.ConfigureAwait(false))
                    {
                        using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
                        long chunkEnd;
                        while ((chunkEnd = claim(received)) > received)
                        {
                            var chunk = received / _chunkSize;
                            var chunkStart = Math.Max(_start, chunk * _chunkSize);
                            if (buffer is null)
                            {
                                stall.CancelAfter(Timeout.Infinite); // waiting for the writer is not a stalled server
                                await WaitForWindowAsync(chunk, ct).ConfigureAwait(false);
                                buffer = await _pipeline.RentAsync(ct).ConfigureAwait(false);
                            }

                            var waited = Stopwatch.GetTimestamp();
                            var read = await _transfer.ReadAsync(body, buffer.Memory[(int)(received - chunkStart)..(int)(chunkEnd - chunkStart)], stall, ct).ConfigureAwait(false);
                            if (read == 0)
                            {
                                throw new HubTransientException($"The connection closed after byte {received} of '{_transfer.File.RepoPath}', short of byte {chunkEnd}.");
                            }

                            received += read;
                            if (first)
                            {
                                Measure(read, Stopwatch.GetTimestamp() - waited);
                            }

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
            // A half-filled chunk is kept across the retries, and dropped when the range fails for good.
            if (buffer is not null)
            {
                _pipeline.Return(buffer);
            }
        }
    }

    /// <summary>Stops any fan-out (the server serves no ranges) and gives the first connection the whole file; returns whether no fan-out had happened yet.</summary>
    private bool CloseFanOut()
    {
        lock (_gate)
        {
            if (_fanOutClosed)
            {
                return false;
            }

            _fanOutClosed = true;
            _firstEnd = _end;
            return true;
        }
    }

    /// <summary>Counts the first connection's bytes and time spent receiving them; starts more connections once it shows itself slow.</summary>
    private void Measure(int bytes, long ticks)
    {
        var total = Interlocked.Add(ref _firstBytes, bytes);
        var waited = _firstReadTicks += ticks; // only the first connection's thread writes it
        if (total >= _probeBytes && total * Stopwatch.Frequency < _transfer.Settings.FanOutBelowBytesPerSecond * (double)waited)
        {
            FanOut();
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
                if (chunk < _head + _window)
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
