using System.Globalization;
using System.Text;

namespace Phi3.OnnxSdk.Hardware;

/// <summary>What the hardware probe found: OS, CPU, RAM, GPUs and loadable execution providers.</summary>
/// <remarks>Immutable and thread-safe. Tests build instances to describe fake machines.</remarks>
public sealed record HardwareInfo
{
    /// <summary>Gets the operating system family.</summary>
    public OperatingSystemKind OperatingSystem { get; init; }

    /// <summary>Gets the processor.</summary>
    public CpuInfo Cpu { get; init; } = new();

    /// <summary>Gets the RAM.</summary>
    public SystemMemoryInfo Memory { get; init; } = new();

    /// <summary>Gets the GPUs found (empty when none or when every GPU probe failed).</summary>
    public IReadOnlyList<GpuInfo> Gpus { get; init; } = [];

    /// <summary>Gets which execution providers can load in this process.</summary>
    public ExecutionProviderAvailability Providers { get; init; } = ExecutionProviderAvailability.CpuOnly;

    /// <summary>Gets notes from the probes: what was absent, failed or timed out.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Gets how long probing took.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Returns a multi-line, human-readable summary.</summary>
    /// <returns>The summary.</returns>
    public override string ToString()
    {
        var culture = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(culture, $"OS: {OperatingSystem}; CPU: {Cpu.Name ?? "unknown"} ({Cpu.Architecture}, {Cpu.LogicalCores} logical cores");
        text.Append(Cpu.HasAvx2 ? ", AVX2" : string.Empty).Append(Cpu.HasAvx512 ? ", AVX-512" : string.Empty).Append(Cpu.HasNeon ? ", NEON" : string.Empty).AppendLine(")");
        text.Append(culture, $"RAM: {Gb(Memory.TotalBytes)} total, {Gb(Memory.AvailableBytes)} available").AppendLine();
        if (Gpus.Count == 0)
        {
            text.AppendLine("GPU: none found");
        }

        foreach (var gpu in Gpus)
        {
            text.Append(culture, $"GPU: {gpu.Name} ({gpu.Vendor}, {Gb(gpu.DedicatedMemoryBytes)} dedicated, {Gb(gpu.FreeMemoryBytes)} free");
            text.Append(gpu.ComputeCapability is { } cc ? $", compute {cc}" : string.Empty);
            text.Append(gpu.DriverVersion is { } driver ? $", driver {driver}" : string.Empty);
            text.Append(gpu.SupportsDirectX12 ? ", DirectX 12" : string.Empty).Append(gpu.IsIntegrated ? ", integrated" : string.Empty);
            text.Append(culture, $", via {gpu.Source})").AppendLine();
        }

        text.Append(culture, $"Providers: cpu; cuda {(Providers.Cuda ? "yes" : "no")} ({Providers.CudaDetail}); dml {(Providers.DirectML ? "yes" : "no")} ({Providers.DirectMLDetail})").AppendLine();
        foreach (var note in Notes)
        {
            text.Append("Note: ").AppendLine(note);
        }

        return text.ToString();
    }

    private static string Gb(long? bytes) => bytes is { } b ? (b / 1e9).ToString("0.0 GB", CultureInfo.InvariantCulture) : "unknown";
}
