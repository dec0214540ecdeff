namespace Phi3.OnnxSdk.SyntheticModels.Onnx;

/// <summary>
/// An ONNX graph under construction. Initializers larger than a threshold go to an external
/// data stream when one is given, so graphs over protobuf's 2 GB limit can be written.
/// </summary>
internal sealed class OnnxGraph
{
    private const int ExternalThresholdBytes = 1024;

    private readonly Stream? _externalData;

    public OnnxGraph(string name, Stream? externalData, string? externalDataFileName)
    {
        Name = name;
        _externalData = externalData;
        ExternalDataFileName = externalDataFileName;
    }

    public string Name { get; }

    public string? ExternalDataFileName { get; }

    public List<OnnxNode> Nodes { get; } = [];

    public List<OnnxValueInfo> Inputs { get; } = [];

    public List<OnnxValueInfo> Outputs { get; } = [];

    public List<OnnxInitializer> Initializers { get; } = [];

    public string AddInitializer(string name, OnnxDataType type, long[] dims, byte[] data)
    {
        if (_externalData is not null && data.Length >= ExternalThresholdBytes)
        {
            long offset = _externalData.Position;
            _externalData.Write(data);
            Initializers.Add(new OnnxInitializer(name, type, dims, null, offset, data.Length));
        }
        else
        {
            Initializers.Add(new OnnxInitializer(name, type, dims, data, 0, 0));
        }

        return name;
    }

    public void AddNode(string name, string opType, string[] inputs, string[] outputs, params OnnxAttribute[] attributes) =>
        AddNode(name, opType, string.Empty, inputs, outputs, attributes);

    public void AddNode(string name, string opType, string domain, string[] inputs, string[] outputs, params OnnxAttribute[] attributes) =>
        Nodes.Add(new OnnxNode(name, opType, domain, inputs, outputs, attributes));
}
