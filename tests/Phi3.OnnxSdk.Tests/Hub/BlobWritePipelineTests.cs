using System.Security.Cryptography;
using Phi3.OnnxSdk.Hub;

namespace Phi3.OnnxSdk.Tests.Hub;

public sealed class BlobWritePipelineTests
{
    private const int ChunkSize = 4096;

    [Fact]
    public async Task Submit_ManyChunksOfVaryingSize_WritesAndHashesThemInOrder()
    {
        using var folder = new TempDirectory();
        var data = RandomNumberGenerator.GetBytes(50 * ChunkSize);
        var path = Path.Combine(folder.Path, "blob.incomplete");
        string? digest;
        using (var writer = new VerifyingBlobWriter(path, data.Length, sha256: true, gitSha1: false))
        {
            using var pipeline = new BlobWritePipeline(writer, ChunkSize, bytes =>
            {
                Thread.Sleep(bytes.Length % 3); // uneven stage timing, so chunks queue up behind each other
                writer.Write(bytes);
            });
            int offset = 0;
            var random = new Random(7);
            while (offset < data.Length)
            {
                var buffer = await pipeline.RentAsync(CancellationToken.None);
                int count = Math.Min(random.Next(1, ChunkSize + 1), data.Length - offset);
                data.AsSpan(offset, count).CopyTo(buffer.Span);
                pipeline.Submit(buffer, count);
                offset += count;
            }

            await pipeline.CompleteAsync();
            Assert.True(pipeline.IsIdle);
            digest = writer.Complete();
        }

        Assert.Equal(data, await File.ReadAllBytesAsync(path));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), digest);
    }

    [Fact]
    public async Task RentAsync_AfterTheWriteStageFailed_ThrowsItsErrorInsteadOfWaiting()
    {
        using var folder = new TempDirectory();
        using var writer = new VerifyingBlobWriter(Path.Combine(folder.Path, "blob.incomplete"), 100 * ChunkSize, sha256: true, gitSha1: false);
        using var pipeline = new BlobWritePipeline(writer, ChunkSize, _ => throw new HubException("disk full (test)"));

        // More chunks than the pipeline holds: without the failure surfacing, renting would wait for ever.
        var error = await Assert.ThrowsAsync<HubException>(async () =>
        {
            for (int i = 0; i < BlobWritePipeline.Depth * 4; i++)
            {
                var buffer = await pipeline.RentAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
                pipeline.Submit(buffer, ChunkSize);
            }
        });
        Assert.Contains("disk full (test)", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HubException>(pipeline.CompleteAsync);
    }

    [Fact]
    public async Task CompleteAsync_AfterTheReaderStopsEarly_WritesEverySubmittedChunk()
    {
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "blob.incomplete");
        var data = RandomNumberGenerator.GetBytes(6 * ChunkSize);
        using (var writer = new VerifyingBlobWriter(path, 10 * ChunkSize, sha256: true, gitSha1: false))
        {
            using var gate = new ManualResetEventSlim();
            using var pipeline = new BlobWritePipeline(writer, ChunkSize, bytes =>
            {
                gate.Wait();
                writer.Write(bytes);
            });
            for (int i = 0; i < 6; i++)
            {
                var buffer = await pipeline.RentAsync(CancellationToken.None);
                data.AsSpan(i * ChunkSize, ChunkSize).CopyTo(buffer.Span);
                pipeline.Submit(buffer, ChunkSize);
            }

            // The connection drops here with six chunks still queued; completing must drain them all.
            Assert.False(pipeline.IsIdle);
            gate.Set();
            await pipeline.CompleteAsync();
            Assert.Equal(6L * ChunkSize, writer.Position);
        }

        Assert.Equal(data, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task RentAsync_CancelledWhileEveryBufferIsInFlight_ThrowsOperationCanceled()
    {
        using var folder = new TempDirectory();
        using var writer = new VerifyingBlobWriter(Path.Combine(folder.Path, "blob.incomplete"), 100 * ChunkSize, sha256: true, gitSha1: false);
        using var gate = new ManualResetEventSlim();
        using var pipeline = new BlobWritePipeline(writer, ChunkSize, bytes =>
        {
            gate.Wait();
            writer.Write(bytes);
        });
        for (int i = 0; i < BlobWritePipeline.Depth; i++)
        {
            pipeline.Submit(await pipeline.RentAsync(CancellationToken.None), ChunkSize);
        }

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pipeline.RentAsync(cancel.Token));
        gate.Set();
        await pipeline.CompleteAsync();
        Assert.Equal((long)BlobWritePipeline.Depth * ChunkSize, writer.Position);
    }
}
