using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Phi3.OnnxSdk.Hardware;

/// <summary>Reads the processor from the runtime (architecture, cores, SIMD support) and, on Linux, its model name.</summary>
internal static class CpuProbe
{
    public static CpuInfo Probe(List<string> notes) => new()
    {
        Architecture = RuntimeInformation.ProcessArchitecture,
        Name = ReadName(notes),
        LogicalCores = Environment.ProcessorCount,
        HasAvx2 = Avx2.IsSupported,
        HasAvx512 = Avx512F.IsSupported,
        HasNeon = AdvSimd.IsSupported,
    };

    private static string? ReadName(List<string> notes)
    {
        if (!OperatingSystem.IsLinux())
        {
            return Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER");
        }

        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                // x86 reports "model name"; many Arm kernels report only "CPU part", so the name may stay unknown.
                if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
                {
                    return line[(colon + 1)..].Trim();
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            notes.Add("could not read /proc/cpuinfo: " + ex.Message);
        }

        return null;
    }
}
