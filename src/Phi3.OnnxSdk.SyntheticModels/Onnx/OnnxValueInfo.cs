namespace Phi3.OnnxSdk.SyntheticModels.Onnx;

/// <summary>A typed graph input or output.</summary>
internal sealed record OnnxValueInfo(string Name, OnnxDataType ElementType, IReadOnlyList<OnnxDim> Shape);
