namespace Phi3.OnnxSdk.Runtime;

/// <summary>A graph input or output: its ONNX element type and its dimensions (<see langword="null"/> where named or unknown), each when the file states it.</summary>
internal sealed record OnnxTensorInfo(int? ElementType, IReadOnlyList<long?>? Dims);
