using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// Hashes and writes received chunks of a blob on two background stages, each in file order, while the caller keeps
/// reading the next bytes. Up to <see cref="Depth"/> chunks (or the depth given) are in flight, so a short stall of one
/// stage does not stop the transfer. Chunks are submitted in file order, one call at a time (the connections of a
/// ranged download rent buffers concurrently but submit them in order under their own lock); <see cref="CompleteAsync"/> drains every submitted chunk (also after a failed
/// read), so the partial file holds every byte received. The buffers are <see cref="AlignedBuffer"/>s, allocated as the
/// transfer first needs them and reused, so that the write stage can write them directly to the disk.
/// </summary>
internal sealed class BlobWritePipeline : IDisposable
{
    /// <summary>The chunks received but not yet both hashed and written.</summary>
    public const int Depth = 8;

    private readonly Channel<Chunk> _toHash = Channel.CreateUnbounded<Chunk>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Channel<Chunk> _toWrite = Channel.CreateUnbounded<Chunk>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly SemaphoreSlim _free;
    private readonly ConcurrentBag<AlignedBuffer> _spare = [];
    private readonly CancellationTokenSource _failed = new();
    private readonly Task _hashing;
    private readonly Task _writing;
    private int _inFlight;

    /// <param name="writer">The blob writer; its <see cref="VerifyingBlobWriter.Hash"/> and <see cref="VerifyingBlobWriter.Write"/> run on the two stages.</param>
    /// <param name="chunkSize">The size of the buffers <see cref="RentAsync"/> hands out.</param>
    /// <param name="write">Writes a chunk (on the write stage); wraps <see cref="VerifyingBlobWriter.Write"/> with error mapping and progress.</param>
    /// <param name="depth">How many chunks may be rented and not yet both hashed and written.</param>
    public BlobWritePipeline(VerifyingBlobWriter writer, int chunkSize, Action<ReadOnlySpan<byte>> write, int depth = Depth)
    {
        ChunkSize = chunkSize;
        _free = new SemaphoreSlim(depth, depth);
        _hashing = Task.Run(() => RunStageAsync(_toHash.Reader, c => writer.Hash(c.Bytes)));
        _writing = Task.Run(() => RunStageAsync(_toWrite.Reader, c => write(c.Bytes)));
    }

    /// <summary>Gets the size of the buffers handed out.</summary>
    public int ChunkSize { get; }

    /// <summary>Gets whether no submitted chunk is waiting to be hashed or written.</summary>
    public bool IsIdle => Volatile.Read(ref _inFlight) == 0;

    /// <summary>Waits for a free slot and returns an empty buffer of <see cref="ChunkSize"/> bytes.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="Exception">A stage failed: its exception, as <see cref="CompleteAsync"/> would throw it.</exception>
    public async ValueTask<AlignedBuffer> RentAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _failed.Token);
        try
        {
            await _free.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_failed.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await CompleteAsync().ConfigureAwait(false);
            throw new InvalidOperationException("A download stage stopped without an error.");
        }

        return _spare.TryTake(out var buffer) ? buffer : new AlignedBuffer(ChunkSize);
    }

    /// <summary>Hands the first <paramref name="count"/> bytes of a rented buffer to both stages; the pipeline returns the buffer.</summary>
    public void Submit(AlignedBuffer buffer, int count)
    {
        var chunk = new Chunk(buffer, count);
        Interlocked.Increment(ref _inFlight);
        _toHash.Writer.TryWrite(chunk);
        _toWrite.Writer.TryWrite(chunk);
    }

    /// <summary>Returns a rented buffer that was not submitted.</summary>
    public void Return(AlignedBuffer buffer)
    {
        _spare.Add(buffer);
        _free.Release();
    }

    /// <summary>Waits until every submitted chunk is hashed and written; throws the first stage failure.</summary>
    public async Task CompleteAsync()
    {
        _toHash.Writer.TryComplete();
        _toWrite.Writer.TryComplete();
        await Task.WhenAll(_hashing, _writing).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        // A write failure (disk full, I/O error) is the one worth reporting; hashing only fails with it.
        await _writing.ConfigureAwait(false);
        await _hashing.ConfigureAwait(false);
    }

    /// <summary>Frees the pipeline's wait handles; call after <see cref="CompleteAsync"/>.</summary>
    public void Dispose()
    {
        _free.Dispose();
        _failed.Dispose();
    }

    private async Task RunStageAsync(ChannelReader<Chunk> reader, Action<Chunk> work)
    {
        try
        {
            await foreach (var chunk in reader.ReadAllAsync().ConfigureAwait(false))
            {
                if (_failed.IsCancellationRequested)
                {
                    // The other stage failed: the chunks still queued are dropped, not hashed or written.
                    break;
                }

                work(chunk);
                Release(chunk);
            }
        }
        catch
        {
            // Stop the reader and the other stage: what follows a failed chunk must not be hashed or written.
            _failed.Cancel();
            _toHash.Writer.TryComplete();
            _toWrite.Writer.TryComplete();
            throw;
        }
    }

    private void Release(Chunk chunk)
    {
        if (Interlocked.Decrement(ref chunk.Pending) == 0)
        {
            Interlocked.Decrement(ref _inFlight);
            _spare.Add(chunk.Buffer);
            _free.Release();
        }
    }

    private sealed class Chunk(AlignedBuffer buffer, int count)
    {
        public int Pending = 2;

        public AlignedBuffer Buffer { get; } = buffer;

        public ReadOnlySpan<byte> Bytes => Buffer.Span[..count];
    }
}
