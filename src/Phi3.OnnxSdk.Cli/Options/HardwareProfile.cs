using System.Globalization;
using System.Runtime.InteropServices;
using Phi3.OnnxSdk.Hardware;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// A machine described by <c>--assume</c>, for planning on behalf of another machine:
/// <c>cuda[:VRAM]</c> (an NVIDIA GPU, compute capability 8.9, the CUDA provider present; default 24GB),
/// <c>dml[:VRAM]</c> (a DirectX 12 GPU on Windows with DirectML; default 8GB) or
/// <c>cpu[:RAM]</c> (no GPU; default 16GB). Sizes are decimal: <c>24GB</c>, <c>24G</c>, <c>24</c>, <c>512MB</c>.
/// GPU profiles have 32GB of RAM.
/// </summary>
/// <param name="Text">The profile as given.</param>
/// <param name="Hardware">The fake machine the resolver plans for.</param>
internal sealed record HardwareProfile(string Text, HardwareInfo Hardware)
{
    private const long Gb = 1_000_000_000;
    private static readonly CpuInfo X64 = new() { Architecture = Architecture.X64, Name = "assumed x64 CPU", LogicalCores = 8, HasAvx2 = true };

    public static HardwareProfile Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Trim().Split(':', 2);
        string kind = parts[0].ToUpperInvariant();
        long? size = parts.Length == 2 ? ParseSize(text, parts[1]) : null;
        var hardware = kind switch
        {
            "CUDA" => Cuda(size ?? (24 * Gb)),
            "DML" or "DIRECTML" => DirectML(size ?? (8 * Gb)),
            "CPU" => Cpu(size ?? (16 * Gb)),
            _ => throw new CliUsageException($"--assume must be cuda[:VRAM], dml[:VRAM] or cpu[:RAM] (for example cuda:24GB), not '{text}'"),
        };
        return new HardwareProfile(text.Trim(), hardware);
    }

    /// <summary>Returns a one-line description of the assumed machine.</summary>
    public string Describe()
    {
        var culture = CultureInfo.InvariantCulture;
        string ram = string.Create(culture, $"{Hardware.Memory.TotalBytes / 1e9:0.#} GB RAM");
        return Hardware.Gpus is [var gpu, ..]
            ? string.Create(culture, $"assumed {Text}: {gpu.Name} with {gpu.DedicatedMemoryBytes / 1e9:0.#} GB, {ram}, {Hardware.OperatingSystem}")
            : $"assumed {Text}: CPU only, {ram}, {Hardware.OperatingSystem}";
    }

    private static HardwareInfo Cuda(long vram) => new()
    {
        OperatingSystem = OperatingSystemKind.Linux,
        Cpu = X64,
        Memory = Ram(32 * Gb),
        Gpus =
        [
            new GpuInfo
            {
                Name = "assumed NVIDIA GPU",
                Vendor = GpuVendor.Nvidia,
                DedicatedMemoryBytes = vram,
                ComputeCapability = new Version(8, 9),
                Source = "assumed",
            },
        ],
        Providers = new ExecutionProviderAvailability
        {
            Cuda = true,
            CudaDetail = "assumed present",
            DirectMLDetail = "not assumed",
        },
    };

    private static HardwareInfo DirectML(long vram) => new()
    {
        OperatingSystem = OperatingSystemKind.Windows,
        Cpu = X64,
        Memory = Ram(32 * Gb),
        Gpus =
        [
            new GpuInfo
            {
                Name = "assumed DirectX 12 GPU",
                Vendor = GpuVendor.Unknown,
                DedicatedMemoryBytes = vram,
                SupportsDirectX12 = true,
                Source = "assumed",
            },
        ],
        Providers = new ExecutionProviderAvailability
        {
            CudaDetail = "not assumed",
            DirectML = true,
            DirectMLDetail = "assumed present",
        },
    };

    private static HardwareInfo Cpu(long ram) => new()
    {
        OperatingSystem = OperatingSystemKind.Linux,
        Cpu = X64,
        Memory = Ram(ram),
    };

    private static SystemMemoryInfo Ram(long bytes) => new() { TotalBytes = bytes, AvailableBytes = bytes };

    private static long ParseSize(string text, string size)
    {
        string s = size.Trim().ToUpperInvariant();
        (string number, double unit) = s switch
        {
            _ when s.EndsWith("GIB", StringComparison.Ordinal) => (s[..^3], 1024.0 * 1024 * 1024),
            _ when s.EndsWith("MIB", StringComparison.Ordinal) => (s[..^3], 1024.0 * 1024),
            _ when s.EndsWith("GB", StringComparison.Ordinal) => (s[..^2], 1e9),
            _ when s.EndsWith("MB", StringComparison.Ordinal) => (s[..^2], 1e6),
            _ when s.EndsWith("TB", StringComparison.Ordinal) => (s[..^2], 1e12),
            _ when s.EndsWith('G') => (s[..^1], 1e9),
            _ when s.EndsWith('M') => (s[..^1], 1e6),
            _ => (s, 1e9),
        };
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > 0 && value < 1e6
            ? (long)(value * unit)
            : throw new CliUsageException($"--assume '{text}' has a bad size '{size}'; use for example 24GB or 512MB");
    }
}
