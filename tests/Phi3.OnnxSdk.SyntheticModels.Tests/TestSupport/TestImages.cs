using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Phi3.OnnxSdk.SyntheticModels.Tests.TestSupport;

/// <summary>
/// Writes small RGB PNG files for the vision tests (8-bit truecolour, filter 0, zlib), so no image
/// library is needed. The pixels come from a seed: the same seed gives the same image.
/// </summary>
internal static class TestImages
{
    private static readonly uint[] s_crcTable = CreateCrcTable();

    /// <summary>A PNG of the given size whose pixels are a smooth pattern picked by <paramref name="seed"/>.</summary>
    public static byte[] Png(int width, int height, int seed)
    {
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
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // truecolour
        WriteChunk(png, "IHDR", header);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                zlib.Write(rows);
            }

            WriteChunk(png, "IDAT", compressed.ToArray());
        }

        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>Writes <see cref="Png"/> into <paramref name="folder"/> and returns the path.</summary>
    public static string PngFile(string folder, int width, int height, int seed)
    {
        string path = Path.Combine(folder, $"image-{width}x{height}-{seed}.png");
        File.WriteAllBytes(path, Png(width, height, seed));
        return path;
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
