namespace Phi3.OnnxSdk.Catalog;

/// <summary>The inputs a model variant accepts.</summary>
[Flags]
public enum ModelCapabilities
{
    /// <summary>No capability (never valid in a catalog entry).</summary>
    None = 0,

    /// <summary>Text in, text out.</summary>
    Text = 1,

    /// <summary>Image input (Phi-3-vision).</summary>
    Vision = 2,
}
