namespace Phi3.OnnxSdk.Hardware;

/// <summary>One GPU as the hardware probe saw it.</summary>
/// <remarks>Immutable and thread-safe. Build instances freely to describe a machine in tests.</remarks>
public sealed record GpuInfo
{
    /// <summary>Gets the adapter name (for example <c>NVIDIA GeForce RTX 4090</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Gets the maker.</summary>
    public GpuVendor Vendor { get; init; }

    /// <summary>Gets the dedicated video memory in bytes (0 for most integrated GPUs).</summary>
    public long DedicatedMemoryBytes { get; init; }

    /// <summary>Gets the free video memory in bytes when the probe could read it (NVML), else <see langword="null"/>.</summary>
    public long? FreeMemoryBytes { get; init; }

    /// <summary>Gets the system memory the GPU may share (DXGI), or <see langword="null"/> when unknown.</summary>
    public long? SharedMemoryBytes { get; init; }

    /// <summary>Gets the CUDA compute capability (for example 8.9), or <see langword="null"/> for non-NVIDIA GPUs or when unknown.</summary>
    public Version? ComputeCapability { get; init; }

    /// <summary>Gets the driver version text, or <see langword="null"/> when unknown.</summary>
    public string? DriverVersion { get; init; }

    /// <summary>Gets a value indicating whether the GPU shares system memory instead of having its own.</summary>
    public bool IsIntegrated { get; init; }

    /// <summary>Gets a value indicating whether a DirectX 12 device can be created on the adapter (Windows only).</summary>
    public bool SupportsDirectX12 { get; init; }

    /// <summary>Gets which probe reported the GPU: <c>nvml</c>, <c>cuda-driver</c> or <c>dxgi</c> (joined with <c>+</c> when merged).</summary>
    public string Source { get; init; } = "unknown";
}
