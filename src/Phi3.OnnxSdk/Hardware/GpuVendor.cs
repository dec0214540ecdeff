namespace Phi3.OnnxSdk.Hardware;

/// <summary>The maker of a GPU, from its PCI vendor id or the probe that found it.</summary>
public enum GpuVendor
{
    /// <summary>Not known.</summary>
    Unknown,

    /// <summary>NVIDIA (PCI vendor 0x10DE).</summary>
    Nvidia,

    /// <summary>AMD (PCI vendor 0x1002).</summary>
    Amd,

    /// <summary>Intel (PCI vendor 0x8086).</summary>
    Intel,

    /// <summary>Qualcomm (PCI vendor 0x5143), for example Adreno on Windows on Arm.</summary>
    Qualcomm,
}
