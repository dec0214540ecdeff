using System.Security.Cryptography;
using Phi3.OnnxSdk.Hub;

namespace Phi3.OnnxSdk.Tests.Hub;

public sealed class VerifyingBlobWriterTests
{
    private const int Block = DirectIO.Alignment;

    [Fact]
    public void Write_AlignedChunksThenATail_WritesTheAlignedBytesDirectlyAndEveryByteInOrder()
    {
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "blob.incomplete");
        var data = RandomNumberGenerator.GetBytes((3 * 16 * Block) + 1000);
        var buffer = new AlignedBuffer(16 * Block);
        string? digest;
        long direct;
        using (var writer = new VerifyingBlobWriter(path, data.Length, sha256: true, gitSha1: false, directWrites: true))
        {
            for (int offset = 0; offset < data.Length; offset += buffer.Length)
            {
                var count = Math.Min(buffer.Length, data.Length - offset);
                data.AsSpan(offset, count).CopyTo(buffer.Span);
                writer.Append(buffer.Span[..count]);
            }

            direct = writer.DirectBytes;
            Assert.Equal(data.Length, writer.Position);
            Assert.Equal(data.Length, writer.WrittenBytes);
            digest = writer.Complete();
        }

        Assert.Equal(data, File.ReadAllBytes(path));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), digest);

        // The last chunk (1,000 bytes) is the only one that is not a whole number of blocks.
        DirectIOAssert.DirectBytes(3L * 16 * Block, direct);
    }

    [Fact]
    public void Write_ContinuingAPartialFileOfUnalignedLength_GoesDirectOnceBackOnABoundary()
    {
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "blob.incomplete");
        var data = RandomNumberGenerator.GetBytes(4 * Block);
        File.WriteAllBytes(path, data[..1000]);
        var buffer = new AlignedBuffer(Block);
        string? digest;
        long direct;
        using (var writer = new VerifyingBlobWriter(path, data.Length, sha256: true, gitSha1: false, directWrites: true))
        {
            Assert.Equal(1000, writer.Position);

            // An aligned buffer at an unaligned file offset cannot go directly...
            data.AsSpan(1000, Block).CopyTo(buffer.Span);
            writer.Append(buffer.Span);
            Assert.Equal(0, writer.DirectBytes);

            // ...nor one that ends on a boundary from an unaligned start; after it, whole blocks can.
            data.AsSpan(1000 + Block, Block - 1000).CopyTo(buffer.Span);
            writer.Append(buffer.Span[..(Block - 1000)]);
            data.AsSpan(2 * Block, Block).CopyTo(buffer.Span);
            writer.Append(buffer.Span);
            data.AsSpan(3 * Block, Block).CopyTo(buffer.Span);
            writer.Append(buffer.Span);

            direct = writer.DirectBytes;
            Assert.Equal((4 * Block) - 1000, writer.WrittenBytes);
            digest = writer.Complete();
        }

        Assert.Equal(data, File.ReadAllBytes(path));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), digest);
        DirectIOAssert.DirectBytes(2L * Block, direct);
    }

    [Fact]
    public void Write_DirectWritesOff_WritesEverythingThroughTheCache()
    {
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "blob.incomplete");
        var data = RandomNumberGenerator.GetBytes(8 * Block);
        var buffer = new AlignedBuffer(data.Length);
        data.CopyTo(buffer.Span);
        using (var writer = new VerifyingBlobWriter(path, data.Length, sha256: false, gitSha1: false, directWrites: false))
        {
            writer.Append(buffer.Span);
            Assert.Equal(0, writer.DirectBytes);
            Assert.Null(writer.Complete());
        }

        Assert.Equal(data, File.ReadAllBytes(path));
    }

    [Fact]
    public void Restart_AfterDirectWrites_StartsTheFileAndTheHashOver()
    {
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "blob.incomplete");
        var data = RandomNumberGenerator.GetBytes(4 * Block);
        var buffer = new AlignedBuffer(data.Length);
        RandomNumberGenerator.Fill(buffer.Span); // bytes from a server that ignored the range: thrown away
        string? digest;
        using (var writer = new VerifyingBlobWriter(path, data.Length, sha256: true, gitSha1: false, directWrites: true))
        {
            writer.Append(buffer.Span[..(2 * Block)]);
            writer.Restart();
            Assert.Equal(0, writer.Position);
            data.CopyTo(buffer.Span);
            writer.Append(buffer.Span);
            digest = writer.Complete();
        }

        Assert.Equal(data, File.ReadAllBytes(path));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), digest);
    }
}
