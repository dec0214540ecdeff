using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Phi3.OnnxSdk.SyntheticModels;

/// <summary>
/// Writes RGB PNG images for vision tests and benchmarks (8-bit truecolour, filter 0, zlib), so no
/// image library is needed. The pixels come from a seed: the same seed gives the same bytes, another
/// seed another picture.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public static class SyntheticImages
{
    private static readonly uint[] s_crcTable = CreateCrcTable();

    /// <summary>Encodes a PNG of the given size whose pixels are a pattern picked by <paramref name="seed"/>.</summary>
    /// <param name="width">The width in pixels.</param>
    /// <param name="height">The height in pixels.</param>
    /// <param name="seed">Picks the pattern.</param>
    /// <returns>The PNG file's bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A side is not positive.</exception>
    public static byte[] Png(int width, int height, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var rows = new byte[(long)height * ((width * 3) + 1)];
        int offset = 0;
        for (int y = 0; y < height; y++)
        {
            rows[offset++] = 0;
            for (int x = 0; x < width; x++)
            {
                rows[offset++] = (byte)((x * (seed + 3)) + (y * seed));
                rows[offset++] = (byte)((y * (seed + 1)) ^ (x >> 2));
                rows[offset++] = (byte)((seed * 37) + ((x + y) >> 3));
            }
        }

        using var png = new MemoryStream();
        WriteSignatureAndHeader(png, width, height);
        WriteChunk(png, "IDAT", Compress(rows));
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>
    /// Encodes a PNG whose header declares <paramref name="width"/> x <paramref name="height"/> but whose
    /// pixel data stops after one empty row: a decoder sees the size before it runs out of data.
    /// For testing size limits without encoding a huge image.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A side is not positive.</exception>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        using var png = new MemoryStream();
        WriteSignatureAndHeader(png, width, height);
        WriteChunk(png, "IDAT", Compress(new byte[1 + Math.Min(width, 1024) * 3]));
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>Writes <see cref="Png"/> into <paramref name="folder"/> as <c>image-{width}x{height}-{seed}.png</c>.</summary>
    /// <returns>The file's path.</returns>
    public static string PngFile(string folder, int width, int height, int seed)
    {
        string path = Path.Combine(folder, $"image-{width}x{height}-{seed}.png");
        File.WriteAllBytes(path, Png(width, height, seed));
        return path;
    }

    private static void WriteSignatureAndHeader(Stream png, int width, int height)
    {
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // truecolour
        WriteChunk(png, "IHDR", header);
    }

    private static byte[] Compress(byte[] data)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return compressed.ToArray();
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.Write(length);
        byte[] typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        uint crc = Crc(Crc(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        Span<byte> crcBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crcBytes, crc);
        output.Write(crcBytes);
    }

    private static uint Crc(uint crc, byte[] data)
    {
        foreach (byte b in data)
        {
            crc = s_crcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] CreateCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
