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
}
