using System.Globalization;
using Microsoft.Extensions.AI;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// An image file read for a user message (<c>--image PATH</c>, <c>/image PATH</c>): its bytes and media type as
/// <see cref="DataContent"/>. The media type comes from the file's signature, else its extension; whether the model can
/// take the image (and whether the bytes decode) is the SDK's to say.
/// </summary>
internal static class ImageFile
{
    /// <summary>The largest file read: far beyond any image Phi-3-vision takes, and below what a server accepts.</summary>
    internal const long MaxBytes = 64L * 1024 * 1024;

    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="CliUsageException">The path is not a regular file (a device, a FIFO), the file cannot be read, is too large, or is not an image type phi3 knows.</exception>
    public static DataContent Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            if (File.Exists(path) && !FileKind.IsRegularFile(path))
            {
                throw new CliUsageException($"cannot read the image '{path}': it is not a regular file (a device, a pipe or a socket); give an image file");
            }

            bytes = ReadBounded(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            string why = Directory.Exists(path) ? "it is a folder" : ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : ErrorText.Describe(ex);
            throw new CliUsageException($"cannot read the image '{path}': {why}", ex);
        }

        string mediaType = FromSignature(bytes) ?? FromExtension(path)
            ?? throw new CliUsageException($"'{path}' is not an image phi3 knows: give a PNG, JPEG, GIF, BMP or WebP file");
        return new DataContent(bytes, mediaType) { Name = Path.GetFileName(path) };
    }

    /// <summary>Reads at most <see cref="MaxBytes"/> + 1 bytes, whatever the file claims its length is, and refuses a file over <see cref="MaxBytes"/>.</summary>
    private static byte[] ReadBounded(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        if (stream.CanSeek && stream.Length > MaxBytes)
        {
            throw TooLarge(path);
        }

        var bytes = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, MaxBytes + 1 - bytes.Length))) > 0)
        {
            bytes.Write(chunk, 0, read);
            if (bytes.Length > MaxBytes)
            {
                throw TooLarge(path);
            }
        }

        return bytes.ToArray();
    }

    private static CliUsageException TooLarge(string path) =>
        new(string.Create(CultureInfo.InvariantCulture, $"the image '{path}' is larger than {MaxBytes / 1e6:0} MB, the most phi3 reads"));

    private static string? FromSignature(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0x89, (byte)'P', (byte)'N', (byte)'G', ..] => "image/png",
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', ..] => "image/gif",
        [(byte)'B', (byte)'M', ..] => "image/bmp",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "image/webp",
        _ => null,
    };

    private static string? FromExtension(string path) => Path.GetExtension(path).ToUpperInvariant() switch
    {
        ".PNG" => "image/png",
        ".JPG" or ".JPEG" => "image/jpeg",
        ".GIF" => "image/gif",
        ".BMP" => "image/bmp",
        ".WEBP" => "image/webp",
        _ => null,
    };
}
