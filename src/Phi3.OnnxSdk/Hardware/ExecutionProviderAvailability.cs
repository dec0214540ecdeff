using Phi3.OnnxSdk.Catalog;

namespace Phi3.OnnxSdk.Hardware;

/// <summary>Which onnxruntime-genai execution providers can load in this process, and why or why not.</summary>
/// <remarks>Immutable and thread-safe. The CPU provider is always available.</remarks>
public sealed record ExecutionProviderAvailability
{
    /// <summary>Gets availability for a process with the CPU build only.</summary>
    public static ExecutionProviderAvailability CpuOnly { get; } = new()
    {
        CudaDetail = $"the CUDA build of onnxruntime-genai is not installed; {BackendPackages.AddCuda}",
        DirectMLDetail = $"the DirectML build of onnxruntime-genai is not installed; {BackendPackages.AddDirectML}",
    };

    /// <summary>Gets a value indicating whether the CUDA provider (genai CUDA add-on and ONNX Runtime CUDA provider) can load.</summary>
    public bool Cuda { get; init; }

    /// <summary>Gets what the probe found for CUDA (library paths, or what is missing).</summary>
    public string CudaDetail { get; init; } = string.Empty;

    /// <summary>Gets a value indicating whether the DirectML provider (DirectML.dll with the DirectML build) can load.</summary>
    public bool DirectML { get; init; }

    /// <summary>Gets what the probe found for DirectML.</summary>
    public string DirectMLDetail { get; init; } = string.Empty;

    /// <summary>Returns whether <paramref name="provider"/> can load.</summary>
    /// <param name="provider">The provider.</param>
    /// <returns><see langword="true"/> for CPU, else the probe's finding.</returns>
    public bool IsAvailable(ExecutionProvider provider) => provider switch
    {
        ExecutionProvider.Cpu => true,
        ExecutionProvider.Cuda => Cuda,
        ExecutionProvider.DirectML => DirectML,
        _ => false,
    };

    /// <summary>Returns what the probe found for <paramref name="provider"/>.</summary>
    /// <param name="provider">The provider.</param>
    /// <returns>A short explanation.</returns>
    public string Describe(ExecutionProvider provider) => provider switch
    {
        ExecutionProvider.Cpu => "always available",
        ExecutionProvider.Cuda => CudaDetail,
        ExecutionProvider.DirectML => DirectMLDetail,
        _ => "unknown provider",
    };
}
