namespace Phi3.OnnxSdk.Catalog;

/// <summary>The numeric precision of a variant's weights.</summary>
public enum WeightPrecision
{
    /// <summary>4-bit quantized weights (RTN or AWQ).</summary>
    Int4,

    /// <summary>16-bit floating point weights.</summary>
    Fp16,

    /// <summary>32-bit floating point weights.</summary>
    Fp32,
}
