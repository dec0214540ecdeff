namespace Phi3.OnnxSdk.SyntheticModels.Onnx;

/// <summary>One operator in the graph. An empty input or output name marks an omitted optional one.</summary>
internal sealed record OnnxNode(
    string Name,
    string OpType,
    string Domain,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs,
    IReadOnlyList<OnnxAttribute> Attributes);
