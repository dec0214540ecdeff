using System.Runtime.InteropServices;
using Phi3.OnnxSdk.Hardware;

namespace Phi3.OnnxSdk.Tests.Resolution;

/// <summary>Machines described by hand, for resolver tests.</summary>
internal static class FakeMachines
{
    private const long Gb = 1_000_000_000;

    private static readonly ExecutionProviderAvailability CudaBuild = new()
    {
        Cuda = true,
        CudaDetail = "fake CUDA add-on loads",
        DirectMLDetail = "DirectML.dll not found",
    };

    private static readonly ExecutionProviderAvailability DirectMLBuild = new()
    {
        CudaDetail = "onnxruntime-genai-cuda.dll not found",
        DirectML = true,
        DirectMLDetail = "fake DirectML.dll found",
    };

    private static readonly CpuInfo X64 = new() { Architecture = Architecture.X64, LogicalCores = 16, HasAvx2 = true };
    private static readonly CpuInfo Arm64 = new() { Architecture = Architecture.Arm64, LogicalCores = 12, HasNeon = true };
    private static readonly SystemMemoryInfo Ram16 = new() { TotalBytes = 16 * Gb, AvailableBytes = 12 * Gb };
    private static readonly SystemMemoryInfo Ram64 = new() { TotalBytes = 64 * Gb, AvailableBytes = 60 * Gb };

    public static HardwareInfo Get(string name) => name switch
    {
        "no-gpu" => new() { OperatingSystem = OperatingSystemKind.Linux, Cpu = X64, Memory = Ram16 },
        "rtx-4090" => new()
        {
            OperatingSystem = OperatingSystemKind.Linux,
            Cpu = X64,
            Memory = Ram64,
            Gpus = [Nvidia("NVIDIA GeForce RTX 4090", 24, 23.5, 8, 9)],
            Providers = CudaBuild,
        },
        "laptop-6gb" => new()
        {
            OperatingSystem = OperatingSystemKind.Windows,
            Cpu = X64,
            Memory = Ram16,
            Gpus = [Nvidia("NVIDIA GeForce RTX 3060 Laptop GPU", 6, 5.5, 8, 6) with { SupportsDirectX12 = true }],
            Providers = CudaBuild,
        },
        "v100" => new()
        {
            OperatingSystem = OperatingSystemKind.Linux,
            Cpu = X64,
            Memory = Ram64,
            Gpus = [Nvidia("Tesla V100-SXM2-16GB", 16, 15.8, 7, 0)],
            Providers = CudaBuild,
        },
        "gtx-1080" => new()
        {
            OperatingSystem = OperatingSystemKind.Linux,
            Cpu = X64,
            Memory = Ram16,
            Gpus = [Nvidia("NVIDIA GeForce GTX 1080", 8, 7.8, 6, 1)],
            Providers = CudaBuild,
        },
        "windows-igpu" => new()
        {
            OperatingSystem = OperatingSystemKind.Windows,
            Cpu = X64,
            Memory = Ram16,
            Gpus = [new GpuInfo { Name = "Intel(R) Iris(R) Xe Graphics", Vendor = GpuVendor.Intel, DedicatedMemoryBytes = 128_000_000, SharedMemoryBytes = 8 * Gb, IsIntegrated = true, SupportsDirectX12 = true, Source = "dxgi" }],
            Providers = DirectMLBuild,
        },
        "windows-arm64" => new()
        {
            OperatingSystem = OperatingSystemKind.Windows,
            Cpu = Arm64,
            Memory = Ram16,
            Gpus = [new GpuInfo { Name = "Qualcomm(R) Adreno(TM) X1-85 GPU", Vendor = GpuVendor.Qualcomm, DedicatedMemoryBytes = 0, SharedMemoryBytes = 8 * Gb, IsIntegrated = true, SupportsDirectX12 = true, Source = "dxgi" }],
        },
        "linux-arm64" => new() { OperatingSystem = OperatingSystemKind.Linux, Cpu = Arm64, Memory = Ram16 },
        "gpu-without-runtime" => new()
        {
            OperatingSystem = OperatingSystemKind.Linux,
            Cpu = X64,
            Memory = Ram64,
            Gpus = [Nvidia("NVIDIA GeForce RTX 4090", 24, 23.5, 8, 9)],
            Providers = ExecutionProviderAvailability.CpuOnly,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static GpuInfo Nvidia(string name, double totalGb, double freeGb, int major, int minor) => new()
    {
        Name = name,
        Vendor = GpuVendor.Nvidia,
        DedicatedMemoryBytes = (long)(totalGb * Gb),
        FreeMemoryBytes = (long)(freeGb * Gb),
        ComputeCapability = new Version(major, minor),
        DriverVersion = "560.35",
        Source = "nvml",
    };
}
