namespace Phi3.OnnxSdk.SyntheticModels.Onnx;

/// <summary>
/// A constant tensor. Its bytes are either inline (<see cref="RawData"/>) or in the external
/// data file at <see cref="ExternalOffset"/>.
/// </summary>
internal sealed record OnnxInitializer(
    string Name,
    OnnxDataType DataType,
    IReadOnlyList<long> Dims,
    byte[]? RawData,
    long ExternalOffset,
    long ExternalLength);
