namespace Phi3.OnnxSdk.SyntheticModels.Onnx;

/// <summary>ONNX <c>TensorProto.DataType</c> values used by the synthetic models.</summary>
internal enum OnnxDataType
{
    Float = 1,
    UInt8 = 2,
    Int32 = 6,
    Int64 = 7,
    Float16 = 10,
}
