namespace Phi3.OnnxSdk.Runtime;

/// <summary>
/// Reads what the load-time checks need from an ONNX file without loading it: the graph's inputs and outputs (element
/// type and shape), the shapes of its initializers, and the inputs of the nodes that embed tokens or position them
/// (<c>Gather</c>, <c>GroupQueryAttention</c>, <c>RotaryEmbedding</c>). It walks the protobuf <c>ModelProto.graph</c>
/// field by field and seeks over weights, so a multi-gigabyte file costs a few reads. Stateless and thread-safe.
/// </summary>
internal static class OnnxGraphReader
{
    private const int ModelGraphField = 7;
    private const int GraphNodeField = 1;
    private const int GraphInitializerField = 5;
    private const int GraphInputField = 11;
    private const int GraphOutputField = 12;
    private const int LengthDelimited = 2;

    /// <summary>A node or value info larger than this is no plain tensor description; it is skipped rather than read.</summary>
    private const int MaxRecordBytes = 1 << 20;

    private static readonly HashSet<string> s_nodesOfInterest = new(StringComparer.Ordinal) { "Gather", "GroupQueryAttention", "RotaryEmbedding" };

    /// <summary>
    /// Reads the graph of the ONNX file at <paramref name="path"/>; <see langword="null"/> when the file cannot be read
    /// as ONNX (the caller falls back to what the config says).
    /// </summary>
    public static OnnxGraphInfo? Read(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096, FileOptions.RandomAccess);
            while (NextField(stream, stream.Length, out int field, out int wireType, out long length, out _))
            {
                if (field == ModelGraphField && wireType == LengthDelimited)
                {
                    return ReadGraph(stream, stream.Position + length);
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

    private static OnnxGraphInfo? ReadGraph(FileStream stream, long end)
    {
        var graph = new OnnxGraphInfo();
        while (NextField(stream, end, out int field, out int wireType, out long length, out _))
        {
            if (wireType != LengthDelimited)
            {
                stream.Seek(length, SeekOrigin.Current);
                continue;
            }

            if (field == GraphInitializerField)
            {
                long next = stream.Position + length;
                if (ReadInitializer(stream, next) is { } initializer)
                {
                    graph.InitializerDims[initializer.Name] = initializer.Dims;
                }

                stream.Position = next;
                continue;
            }

            if (field is not (GraphNodeField or GraphInputField or GraphOutputField) || length > MaxRecordBytes)
            {
                stream.Seek(length, SeekOrigin.Current);
                continue;
            }

            var record = new byte[length];
            stream.ReadExactly(record);
            if (field == GraphNodeField)
            {
                if (TryReadNode(record, out var node) && s_nodesOfInterest.Contains(node.OpType))
                {
                    graph.Nodes.Add(node);
                }
            }
            else if (TryReadValueInfo(record, out string name, out var tensor))
            {
                (field == GraphInputField ? graph.Inputs : graph.Outputs)[name] = tensor;
            }
        }

        return stream.Position == end ? graph : null;
    }

    /// <summary>Reads a <c>TensorProto</c>'s name and dims, seeking over its data.</summary>
    private static (string Name, IReadOnlyList<long> Dims)? ReadInitializer(FileStream stream, long end)
    {
        string? name = null;
        var dims = new List<long>();
        while (NextField(stream, end, out int field, out int wireType, out long length, out ulong value))
        {
            if (field == 1 && wireType == 0)
            {
                dims.Add((long)value);
            }
            else if (field == 1 && wireType == LengthDelimited && length <= MaxRecordBytes)
            {
                var packed = new byte[length];
                stream.ReadExactly(packed);
                int at = 0;
                while (at < packed.Length && TryReadVarint(packed, ref at, out ulong dim))
                {
                    dims.Add((long)dim);
                }
            }
            else if (field == 8 && wireType == LengthDelimited && length <= MaxRecordBytes)
            {
                var bytes = new byte[length];
                stream.ReadExactly(bytes);
                name = System.Text.Encoding.UTF8.GetString(bytes);
            }
            else
            {
                stream.Seek(length, SeekOrigin.Current);
            }
        }

        return name is null ? null : (name, dims);
    }

    /// <summary>Reads a <c>NodeProto</c>'s inputs (field 1) and op type (field 4).</summary>
    private static bool TryReadNode(ReadOnlySpan<byte> node, out OnnxNodeInfo info)
    {
        var inputs = new List<string>();
        string opType = string.Empty;
        int at = 0;
        while (at < node.Length)
        {
            if (!TryNextField(node, ref at, out int field, out int wireType, out var payload, out _))
            {
                info = new OnnxNodeInfo(string.Empty, []);
                return false;
            }

            if (field == 1 && wireType == LengthDelimited)
            {
                inputs.Add(System.Text.Encoding.UTF8.GetString(payload));
            }
            else if (field == 4 && wireType == LengthDelimited)
            {
                opType = System.Text.Encoding.UTF8.GetString(payload);
            }
        }

        info = new OnnxNodeInfo(opType, inputs);
        return true;
    }

    /// <summary>Reads a <c>ValueInfoProto</c>: name, and for a tensor its element type and shape.</summary>
    private static bool TryReadValueInfo(ReadOnlySpan<byte> valueInfo, out string name, out OnnxTensorInfo tensor)
    {
        name = string.Empty;
        tensor = new OnnxTensorInfo(null, null);
        int at = 0;
        while (at < valueInfo.Length)
        {
            if (!TryNextField(valueInfo, ref at, out int field, out int wireType, out var payload, out _))
            {
                return false;
            }

            if (field == 1 && wireType == LengthDelimited)
            {
                name = System.Text.Encoding.UTF8.GetString(payload);
            }
            else if (field == 2 && wireType == LengthDelimited)
            {
                tensor = ReadTensorType(payload);
            }
        }

        return name.Length > 0;
    }

    /// <summary>Reads <c>TypeProto.tensor_type</c>: <c>elem_type</c> (1) and <c>shape</c> (2), each dimension a value or unknown.</summary>
    private static OnnxTensorInfo ReadTensorType(ReadOnlySpan<byte> type)
    {
        int at = 0;
        while (at < type.Length && TryNextField(type, ref at, out int field, out int wireType, out var tensor, out _))
        {
            if (field != 1 || wireType != LengthDelimited)
            {
                continue;
            }

            int? elementType = null;
            List<long?>? dims = null;
            int inner = 0;
            while (inner < tensor.Length && TryNextField(tensor, ref inner, out int tensorField, out int tensorWire, out var shape, out ulong value))
            {
                if (tensorField == 1 && tensorWire == 0 && value <= int.MaxValue)
                {
                    elementType = (int)value;
                }
                else if (tensorField == 2 && tensorWire == LengthDelimited)
                {
                    dims = ReadShape(shape);
                }
            }

            return new OnnxTensorInfo(elementType, dims);
        }

        return new OnnxTensorInfo(null, null);
    }

    /// <summary>Reads <c>TensorShapeProto.dim</c> (1): <c>dim_value</c> (1) or <see langword="null"/> for a named or missing one.</summary>
    private static List<long?> ReadShape(ReadOnlySpan<byte> shape)
    {
        var dims = new List<long?>();
        int at = 0;
        while (at < shape.Length && TryNextField(shape, ref at, out int field, out int wireType, out var dimension, out _))
        {
            if (field != 1 || wireType != LengthDelimited)
            {
                continue;
            }

            long? size = null;
            int inner = 0;
            while (inner < dimension.Length && TryNextField(dimension, ref inner, out int dimField, out int dimWire, out _, out ulong value))
            {
                if (dimField == 1 && dimWire == 0)
                {
                    size = (long)value;
                }
            }

            dims.Add(size);
        }

        return dims;
    }

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
    /// bytes to skip over it (0 for a varint, which is consumed into <paramref name="value"/>). False at
    /// <paramref name="end"/> or on malformed data.
    /// </summary>
    private static bool NextField(FileStream stream, long end, out int field, out int wireType, out long length, out ulong value)
    {
        field = 0;
        wireType = 0;
        length = 0;
        value = 0;
        if (stream.Position >= end || !TryReadVarint(stream, out ulong tag))
        {
            return false;
        }

        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        switch (wireType)
        {
            case 0:
                return TryReadVarint(stream, out value) && stream.Position <= end;
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
