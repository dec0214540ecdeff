namespace Phi3.OnnxSdk.SyntheticModels;

/// <summary>How the projection weights of a synthetic model are stored.</summary>
public enum SyntheticPrecision
{
    /// <summary>Plain fp32 <c>MatMul</c> weights.</summary>
    Fp32,

    /// <summary>
    /// int4 <c>MatMulNBits</c> weights (com.microsoft), as in the real cpu-int4 variants; the
    /// embedding stays fp32.
    /// </summary>
    Int4,
}
