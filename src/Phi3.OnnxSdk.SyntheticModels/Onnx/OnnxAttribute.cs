namespace Phi3.OnnxSdk.SyntheticModels.Onnx;

/// <summary>A node attribute: exactly one of the value properties is set.</summary>
internal sealed record OnnxAttribute(string Name, long? Int = null, float? Float = null, IReadOnlyList<long>? Ints = null)
{
    public static OnnxAttribute Of(string name, long value) => new(name, Int: value);

    public static OnnxAttribute Of(string name, float value) => new(name, Float: value);

    public static OnnxAttribute Of(string name, IReadOnlyList<long> values) => new(name, Ints: values);
}
