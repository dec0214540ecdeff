namespace Phi3.OnnxSdk.Cli.Tests;

/// <summary>Image files for <c>--image</c> and <c>/image</c>: media type from the signature, else the extension; unreadable paths are usage errors naming them.</summary>
public sealed class ImageFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("phi3-image-file-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("x.bin", new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0 }, "image/png")]
    [InlineData("x.png", new byte[] { 0xFF, 0xD8, 0xFF, 0 }, "image/jpeg")]
    [InlineData("x", new byte[] { (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a' }, "image/gif")]
    [InlineData("x.dat", new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F', 0, 0, 0, 0, (byte)'W', (byte)'E', (byte)'B', (byte)'P' }, "image/webp")]
    [InlineData("photo.JPEG", new byte[] { 1, 2, 3 }, "image/jpeg")]
    public void Load_File_MediaTypeFromTheSignatureElseTheExtension(string name, byte[] bytes, string mediaType)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);

        var image = ImageFile.Load(path);

        Assert.Equal(mediaType, image.MediaType);
        Assert.Equal(bytes, image.Data.ToArray());
        Assert.Equal(name, image.Name);
    }

    [Fact]
    public void Load_MissingFileOrFolder_UsageErrorNamingThePath()
    {
        string missing = Path.Combine(_folder, "none.png");

        var notThere = Assert.Throws<CliUsageException>(() => ImageFile.Load(missing));
        var folder = Assert.Throws<CliUsageException>(() => ImageFile.Load(_folder));

        Assert.Equal($"cannot read the image '{missing}': no such file", notThere.Message);
        Assert.Equal($"cannot read the image '{_folder}': it is a folder", folder.Message);
    }

    [Fact]
    public void Load_NeitherSignatureNorImageExtension_UsageErrorNamingThePath()
    {
        string path = Path.Combine(_folder, "notes.txt");
        File.WriteAllText(path, "hello");

        var ex = Assert.Throws<CliUsageException>(() => ImageFile.Load(path));

        Assert.Equal($"'{path}' is not an image phi3 knows: give a PNG, JPEG, GIF, BMP or WebP file", ex.Message);
    }

    [Theory]
    [InlineData("/dev/zero")]
    [InlineData("/dev/null")]
    public async Task Load_Device_UsageErrorWithoutReading(string device)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // No such paths on Windows.
        }

        var ex = await Assert.ThrowsAsync<CliUsageException>(() => Task.Run(() => ImageFile.Load(device)).WaitAsync(TimeSpan.FromSeconds(20)));

        Assert.Equal($"cannot read the image '{device}': it is not a regular file (a device, a pipe or a socket); give an image file", ex.Message);
    }

    [Fact]
    public async Task Load_Fifo_UsageErrorWithoutBlocking()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // No FIFOs in the file system on Windows.
        }

        string fifo = Path.Combine(_folder, "pipe.png");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // Opening a FIFO with no writer blocks: the timeout turns a regression into a failure instead of a hang.
        var ex = await Assert.ThrowsAsync<CliUsageException>(() => Task.Run(() => ImageFile.Load(fifo)).WaitAsync(TimeSpan.FromSeconds(20)));

        Assert.Contains("it is not a regular file", ex.Message, StringComparison.Ordinal);
        Assert.Contains(fifo, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FileOverTheLimit_UsageErrorNamingThePathAndLimit()
    {
        string path = Path.Combine(_folder, "huge.png");
        using (var file = File.Create(path))
        {
            file.SetLength(ImageFile.MaxBytes + 1);
        }

        var ex = Assert.Throws<CliUsageException>(() => ImageFile.Load(path));

        Assert.Equal($"the image '{path}' is larger than 67 MB, the most phi3 reads", ex.Message);
    }
}
