namespace Phi3.OnnxSdk.Resolution;

/// <summary>What the resolver favours when several variants fit.</summary>
public enum VariantPreference
{
    /// <summary>Highest precision that fits (fp16 over int4 on CUDA). The default.</summary>
    Quality,

    /// <summary>Fastest and smallest (int4 over fp16).</summary>
    Speed,
}
