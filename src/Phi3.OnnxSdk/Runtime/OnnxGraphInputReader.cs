namespace Phi3.OnnxSdk.Runtime;

/// <summary>
/// Reads the element type of one graph input from an ONNX file without loading it: walks the protobuf
/// <c>ModelProto.graph</c> field by field, seeking over nodes and initializers, and reads the matching
/// <c>GraphProto.input</c> (<c>ValueInfoProto</c> → <c>TypeProto.tensor_type</c> → <c>elem_type</c>). Thread-safe (stateless).
/// </summary>
internal static class OnnxGraphInputReader
{
    private const int ModelGraphField = 7;
    private const int GraphInputField = 11;
    private const int ValueInfoNameField = 1;
    private const int ValueInfoTypeField = 2;
    private const int TypeTensorField = 1;
    private const int TensorElemTypeField = 1;
    private const int LengthDelimited = 2;

    /// <summary>A value info larger than this is not a plain tensor input; it is skipped rather than read.</summary>
    private const int MaxValueInfoBytes = 1 << 20;

    /// <summary>
    /// Returns the ONNX <c>TensorProto.DataType</c> of the graph input named <paramref name="inputName"/>, or
    /// <see langword="null"/> when the file has no such tensor input or cannot be read as ONNX (the caller picks a fallback).
    /// </summary>
    public static int? ReadElementType(string path, string inputName)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096, FileOptions.RandomAccess);
            long end = stream.Length;
            while (NextField(stream, end, out int field, out int wireType, out long length))
            {
                if (field == ModelGraphField && wireType == LengthDelimited)
                {
                    return FindInput(stream, stream.Position + length, inputName);
                }

                stream.Seek(length, SeekOrigin.Current);
            }

            return null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int? FindInput(FileStream stream, long end, string inputName)
    {
        while (NextField(stream, end, out int field, out int wireType, out long length))
        {
            if (field == GraphInputField && wireType == LengthDelimited && length <= MaxValueInfoBytes)
            {
                var valueInfo = new byte[length];
                stream.ReadExactly(valueInfo);
                if (TryReadTensorInput(valueInfo, out string name, out int? elementType) && name == inputName)
                {
                    return elementType;
                }

                continue;
            }

            stream.Seek(length, SeekOrigin.Current);
        }

        return null;
    }

    /// <summary>Reads the name and tensor element type of a <c>ValueInfoProto</c>; false when it is malformed.</summary>
    private static bool TryReadTensorInput(ReadOnlySpan<byte> valueInfo, out string name, out int? elementType)
    {
        name = string.Empty;
        elementType = null;
        int at = 0;
        while (at < valueInfo.Length)
        {
            if (!TryNextField(valueInfo, ref at, out int field, out int wireType, out var payload))
            {
                return false;
            }

            if (field == ValueInfoNameField && wireType == LengthDelimited)
            {
                name = System.Text.Encoding.UTF8.GetString(payload);
            }
            else if (field == ValueInfoTypeField && wireType == LengthDelimited)
            {
                elementType = ReadTensorElementType(payload);
            }
        }

        return true;
    }

    /// <summary>Reads <c>TypeProto.tensor_type.elem_type</c>; <see langword="null"/> when the type is not a tensor.</summary>
    private static int? ReadTensorElementType(ReadOnlySpan<byte> type)
    {
        int at = 0;
        while (at < type.Length && TryNextField(type, ref at, out int field, out int wireType, out var tensor))
        {
            if (field != TypeTensorField || wireType != LengthDelimited)
            {
                continue;
            }

            int inner = 0;
            while (inner < tensor.Length && TryNextField(tensor, ref inner, out int tensorField, out int tensorWire, out _, out ulong value))
            {
                if (tensorField == TensorElemTypeField && tensorWire == 0 && value <= int.MaxValue)
                {
                    return (int)value;
                }
            }

            return null;
        }

        return null;
    }

    private static bool TryNextField(ReadOnlySpan<byte> data, ref int at, out int field, out int wireType, out ReadOnlySpan<byte> payload) =>
        TryNextField(data, ref at, out field, out wireType, out payload, out _);

    /// <summary>Reads one field at <paramref name="at"/>: a length-delimited field's bytes, or a varint's value.</summary>
    private static bool TryNextField(ReadOnlySpan<byte> data, ref int at, out int field, out int wireType, out ReadOnlySpan<byte> payload, out ulong value)
    {
        payload = default;
        value = 0;
        field = 0;
        wireType = 0;
        if (!TryReadVarint(data, ref at, out ulong tag))
        {
            return false;
        }

        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        switch (wireType)
        {
            case 0:
                return TryReadVarint(data, ref at, out value);
            case 1:
                at += 8;
                return at <= data.Length;
            case LengthDelimited:
                if (!TryReadVarint(data, ref at, out ulong length) || length > (ulong)(data.Length - at))
                {
                    return false;
                }

                payload = data.Slice(at, (int)length);
                at += (int)length;
                return true;
            case 5:
                at += 4;
                return at <= data.Length;
            default:
                return false;
        }
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> data, ref int at, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64 && at < data.Length; shift += 7)
        {
            byte b = data[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Reads the next field's tag in the stream and leaves the stream at its payload, with <paramref name="length"/> the
    /// bytes to skip over it (0 for a varint, which is consumed). False at <paramref name="end"/> or on malformed data.
    /// </summary>
    private static bool NextField(FileStream stream, long end, out int field, out int wireType, out long length)
    {
        field = 0;
        wireType = 0;
        length = 0;
        if (stream.Position >= end || !TryReadVarint(stream, out ulong tag))
        {
            return false;
        }

        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        switch (wireType)
        {
            case 0:
                return TryReadVarint(stream, out _) && stream.Position <= end;
            case 1:
                length = 8;
                break;
            case LengthDelimited:
                if (!TryReadVarint(stream, out ulong size) || size > (ulong)Math.Max(0, end - stream.Position))
                {
                    return false;
                }

                length = (long)size;
                break;
            case 5:
                length = 4;
                break;
            default:
                return false;
        }

        return field != 0 && stream.Position + length <= end;
    }

    private static bool TryReadVarint(FileStream stream, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            int b = stream.ReadByte();
            if (b < 0)
            {
                return false;
            }

            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }
}
