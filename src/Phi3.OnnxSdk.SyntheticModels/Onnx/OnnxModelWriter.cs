namespace Phi3.OnnxSdk.SyntheticModels.Onnx;

/// <summary>
/// Serializes an <see cref="OnnxGraph"/> as an ONNX <c>ModelProto</c>. Field numbers follow
/// <c>onnx.proto</c>; fields are written in a fixed order, so equal graphs give equal bytes.
/// </summary>
internal static class OnnxModelWriter
{
    public const long IrVersion = 8;
    public const long OnnxOpsetVersion = 17;
    public const long MicrosoftOpsetVersion = 1;

    public static void Write(OnnxGraph graph, Stream output, string producerName, string producerVersion)
    {
        var model = new ProtoWriter();
        model.WriteInt64(1, IrVersion);
        model.WriteString(2, producerName);
        model.WriteString(3, producerVersion);
        model.WriteMessage(7, g => WriteGraph(g, graph));
        model.WriteMessage(8, o => { o.WriteString(1, string.Empty); o.WriteInt64(2, OnnxOpsetVersion); });
        model.WriteMessage(8, o => { o.WriteString(1, "com.microsoft"); o.WriteInt64(2, MicrosoftOpsetVersion); });
        model.CopyTo(output);
    }

    private static void WriteGraph(ProtoWriter writer, OnnxGraph graph)
    {
        foreach (var node in graph.Nodes)
        {
            writer.WriteMessage(1, n => WriteNode(n, node));
        }

        writer.WriteString(2, graph.Name);
        foreach (var initializer in graph.Initializers)
        {
            writer.WriteMessage(5, t => WriteTensor(t, initializer, graph.ExternalDataFileName));
        }

        foreach (var input in graph.Inputs)
        {
            writer.WriteMessage(11, v => WriteValueInfo(v, input));
        }

        foreach (var output in graph.Outputs)
        {
            writer.WriteMessage(12, v => WriteValueInfo(v, output));
        }
    }

    private static void WriteNode(ProtoWriter writer, OnnxNode node)
    {
        foreach (var input in node.Inputs)
        {
            writer.WriteString(1, input);
        }

        foreach (var output in node.Outputs)
        {
            writer.WriteString(2, output);
        }

        writer.WriteString(3, node.Name);
        writer.WriteString(4, node.OpType);
        foreach (var attribute in node.Attributes)
        {
            writer.WriteMessage(5, a => WriteAttribute(a, attribute));
        }

        if (node.Domain.Length > 0)
        {
            writer.WriteString(7, node.Domain);
        }
    }

    private static void WriteAttribute(ProtoWriter writer, OnnxAttribute attribute)
    {
        // AttributeProto: name = 1, f = 2, i = 3, ints = 8, type = 20 (FLOAT 1, INT 2, INTS 7).
        writer.WriteString(1, attribute.Name);
        if (attribute.Float is float f)
        {
            writer.WriteFloat(2, f);
            writer.WriteInt64(20, 1);
        }
        else if (attribute.Int is long i)
        {
            writer.WriteInt64(3, i);
            writer.WriteInt64(20, 2);
        }
        else if (attribute.Ints is { } ints)
        {
            foreach (var value in ints)
            {
                writer.WriteInt64(8, value);
            }

            writer.WriteInt64(20, 7);
        }
        else
        {
            throw new InvalidOperationException($"Attribute '{attribute.Name}' has no value.");
        }
    }

    private static void WriteTensor(ProtoWriter writer, OnnxInitializer tensor, string? externalDataFileName)
    {
        // TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9, external_data = 13, data_location = 14.
        foreach (var dim in tensor.Dims)
        {
            writer.WriteInt64(1, dim);
        }

        writer.WriteInt64(2, (long)tensor.DataType);
        writer.WriteString(8, tensor.Name);
        if (tensor.RawData is { } raw)
        {
            writer.WriteBytes(9, raw);
            return;
        }

        string location = externalDataFileName
            ?? throw new InvalidOperationException($"Tensor '{tensor.Name}' is external but the graph has no data file.");
        WriteEntry(writer, 13, "location", location);
        WriteEntry(writer, 13, "offset", tensor.ExternalOffset.ToString(System.Globalization.CultureInfo.InvariantCulture));
        WriteEntry(writer, 13, "length", tensor.ExternalLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
        writer.WriteInt64(14, 1);
    }

    private static void WriteEntry(ProtoWriter writer, int field, string key, string value) =>
        writer.WriteMessage(field, e => { e.WriteString(1, key); e.WriteString(2, value); });

    private static void WriteValueInfo(ProtoWriter writer, OnnxValueInfo info)
    {
        // ValueInfoProto: name = 1, type = 2; TypeProto.tensor_type = 1; Tensor: elem_type = 1, shape = 2;
        // TensorShapeProto.dim = 1; Dimension: dim_value = 1, dim_param = 2.
        writer.WriteString(1, info.Name);
        writer.WriteMessage(2, type => type.WriteMessage(1, tensor =>
        {
            tensor.WriteInt64(1, (long)info.ElementType);
            tensor.WriteMessage(2, shape =>
            {
                foreach (var dim in info.Shape)
                {
                    shape.WriteMessage(1, d =>
                    {
                        if (dim.Symbol is { } symbol)
                        {
                            d.WriteString(2, symbol);
                        }
                        else
                        {
                            d.WriteInt64(1, dim.Value);
                        }
                    });
                }
            });
        }));
    }
}
