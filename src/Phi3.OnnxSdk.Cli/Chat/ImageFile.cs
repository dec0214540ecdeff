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
    /// <exception cref="CliUsageException">The file cannot be read, is too large, or is not an image type phi3 knows.</exception>
    public static DataContent Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > MaxBytes)
            {
                throw new CliUsageException(string.Create(CultureInfo.InvariantCulture, $"the image '{path}' is {info.Length / 1e6:0.0} MB; the most phi3 reads is {MaxBytes / 1e6:0} MB"));
            }

            bytes = File.ReadAllBytes(path);
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
