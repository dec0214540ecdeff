using System.Security.Cryptography;
using Phi3.OnnxSdk.Hub;

namespace Phi3.OnnxSdk.Tests.Hub;

public sealed class BlobPublisherTests
{
    private const int Size = 256 * 1024;

    [Fact]
    public void Publish_FileAsWritten_RenamesItToTheBlobAndLeavesNoStagingFile()
    {
        using var folder = new TempDirectory();
        var (incomplete, blob, data) = Prepare(folder);
        using (var writer = Write(incomplete, data))
        {
            BlobPublisher.Publish(writer.Handle, incomplete, blob, Size);
        }

        Assert.Equal(data, File.ReadAllBytes(blob));
        Assert.Equal([blob], Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void Publish_TruncatedAndPartlyRewrittenByAnotherProgram_PublishesNothingAndGivesTheFileBack()
    {
        using var folder = new TempDirectory();
        var (incomplete, blob, data) = Prepare(folder);
        using var writer = Write(incomplete, data);

        // What @huggingface/hub does on joining: open with truncation, write from byte 0.
        using (var other = new FileStream(incomplete, FileMode.Create, FileAccess.Write, FileShare.ReadWrite))
        {
            other.Write(data, 0, 1000);
        }

        var ex = Assert.Throws<ForeignWriterException>(() => BlobPublisher.Publish(writer.Handle, incomplete, blob, Size));

        Assert.Contains("1000 bytes long", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(blob));
        Assert.Equal([incomplete], Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void Publish_TruncatedThenExtendedPastTheEnd_SeesTheHole()
    {
        using var folder = new TempDirectory();
        var (incomplete, blob, data) = Prepare(folder);
        using var writer = Write(incomplete, data);
        using (var other = File.OpenHandle(incomplete, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            RandomAccess.SetLength(other, 0);
            RandomAccess.Write(other, data.AsSpan(Size - 4096), Size - 4096);
        }

        if (!OperatingSystem.IsLinux())
        {
            return; // only Linux reports holes here
        }

        var ex = Assert.Throws<ForeignWriterException>(() => BlobPublisher.Publish(writer.Handle, incomplete, blob, Size));

        Assert.Contains("hole at byte 0", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(blob));
    }

    [Fact]
    public void Publish_PartialFileReplacedByAnotherProgram_PublishesNothing()
    {
        using var folder = new TempDirectory();
        var (incomplete, blob, data) = Prepare(folder);
        using var writer = Write(incomplete, data);
        File.Delete(incomplete);
        File.WriteAllBytes(incomplete, data);

        var ex = Assert.Throws<ForeignWriterException>(() => BlobPublisher.Publish(writer.Handle, incomplete, blob, Size));

        Assert.Contains(OperatingSystem.IsLinux() ? "no longer the file this download wrote" : "renamed", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(blob));
    }

    [Fact]
    public void Publish_PartialFileRenamedAwayByAnotherProgram_SaysSo()
    {
        using var folder = new TempDirectory();
        var (incomplete, blob, data) = Prepare(folder);
        using var writer = Write(incomplete, data);
        File.Move(incomplete, blob);

        var ex = Assert.Throws<ForeignWriterException>(() => BlobPublisher.Publish(writer.Handle, incomplete, blob, Size));

        Assert.Contains("no longer the file", ex.Message, StringComparison.Ordinal);
    }

    private static (string Incomplete, string Blob, byte[] Data) Prepare(TempDirectory folder)
    {
        var blob = Path.Combine(folder.Path, "0123abcd");
        return (blob + ".incomplete", blob, RandomNumberGenerator.GetBytes(Size));
    }

    private static VerifyingBlobWriter Write(string incomplete, byte[] data)
    {
        var writer = new VerifyingBlobWriter(incomplete, data.Length, sha256: true, gitSha1: false);
        writer.Append(data);
        writer.Complete();
        return writer;
    }
}
