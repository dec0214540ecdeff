namespace Phi3.OnnxSdk.Runtime;

/// <summary>
/// Checks that an ONNX file is a complete protobuf <c>ModelProto</c> without reading it whole: it walks
/// the top-level fields and checks that every length stays inside the file and that a graph is present.
/// </summary>
internal static class OnnxFileValidator
{
    private const int GraphFieldNumber = 7;

    /// <summary>Validates the ONNX file at <paramref name="path"/>.</summary>
    /// <exception cref="Phi3ModelException">The file is missing, empty, truncated or not an ONNX model.</exception>
    public static void Validate(string path)
    {
        if (!File.Exists(path))
        {
            throw new Phi3ModelException(path, $"The ONNX file '{path}' named in genai_config.json does not exist. Download the model again or fix 'filename' in genai_config.json.");
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.RandomAccess);
            long length = stream.Length;
            if (length == 0)
            {
                throw new Phi3ModelException(path, $"The ONNX file '{path}' is empty. The download was probably interrupted: download the model again.");
            }

            bool sawGraph = false;
            while (stream.Position < length)
            {
                ulong tag = ReadVarint(stream, path);
                int field = (int)(tag >> 3);
                int wireType = (int)(tag & 7);
                if (field == 0)
                {
                    throw NotOnnx(path);
                }

                switch (wireType)
                {
                    case 0:
                        ReadVarint(stream, path);
                        break;
                    case 1:
                        Skip(stream, 8, length, path);
                        break;
                    case 2:
                        ulong size = ReadVarint(stream, path);
                        if (size > (ulong)(length - stream.Position))
                        {
                            throw Truncated(path, length);
                        }

                        sawGraph |= field == GraphFieldNumber;
                        stream.Seek((long)size, SeekOrigin.Current);
                        break;
                    case 5:
                        Skip(stream, 4, length, path);
                        break;
                    default:
                        throw NotOnnx(path);
                }
            }

            if (!sawGraph)
            {
                throw new Phi3ModelException(path, $"'{path}' holds no ONNX graph. The file is not an ONNX model or is damaged: download the model again.");
            }
        }
        catch (IOException ex)
        {
            throw new Phi3ModelException(path, $"The ONNX file '{path}' could not be read: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new Phi3ModelException(path, $"The ONNX file '{path}' could not be read: {ex.Message}", ex);
        }
    }

    private static void Skip(FileStream stream, int count, long length, string path)
    {
        if (length - stream.Position < count)
        {
            throw Truncated(path, length);
        }

        stream.Seek(count, SeekOrigin.Current);
    }

    private static ulong ReadVarint(FileStream stream, string path)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            int b = stream.ReadByte();
            if (b < 0)
            {
                throw Truncated(path, stream.Length);
            }

            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw NotOnnx(path);
    }

    private static Phi3ModelException Truncated(string path, long length) =>
        new(path, $"The ONNX file '{path}' is truncated ({length:N0} bytes, shorter than its own contents declare). The download was probably interrupted: download the model again.");

    private static Phi3ModelException NotOnnx(string path) =>
        new(path, $"'{path}' is not an ONNX model (malformed protobuf). Download the model again.");
}
