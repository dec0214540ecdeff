using System.Globalization;
using System.Runtime.InteropServices;

namespace Phi3.OnnxSdk.Hardware;

/// <summary>Reads NVIDIA GPUs through NVML (libnvidia-ml / nvml.dll), which ships with the driver; no link-time dependency.</summary>
internal static unsafe class NvmlProbe
{
    private const int Success = 0;

    /// <summary>Returns the GPUs NVML reports, or <see langword="null"/> when NVML is absent or fails (with a note).</summary>
    public static List<GpuInfo>? TryProbe(List<string> notes)
    {
        string[] names = OperatingSystem.IsWindows()
            ? ["nvml.dll", Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ProgramFiles), "NVIDIA Corporation", "NVSMI", "nvml.dll")]
            : ["libnvidia-ml.so.1", "libnvidia-ml.so"];
        if (!NativeText.TryLoadAny(names, out var library, out _))
        {
            notes.Add("NVML (NVIDIA management library) not found: no NVIDIA driver, or it is not on the library path");
            return null;
        }

        // The library stays loaded: the driver may keep threads in it, and onnxruntime loads it again anyway.
        try
        {
            var init = (delegate* unmanaged<int>)NativeText.Export(library, "nvmlInit_v2");
            var shutdown = (delegate* unmanaged<int>)NativeText.Export(library, "nvmlShutdown");
            var getCount = (delegate* unmanaged<uint*, int>)NativeText.Export(library, "nvmlDeviceGetCount_v2");
            var getHandle = (delegate* unmanaged<uint, IntPtr*, int>)NativeText.Export(library, "nvmlDeviceGetHandleByIndex_v2");
            var getName = (delegate* unmanaged<IntPtr, byte*, uint, int>)NativeText.Export(library, "nvmlDeviceGetName");
            var getMemory = (delegate* unmanaged<IntPtr, NvmlMemory*, int>)NativeText.Export(library, "nvmlDeviceGetMemoryInfo");
            var getCapability = (delegate* unmanaged<IntPtr, int*, int*, int>)NativeText.Export(library, "nvmlDeviceGetCudaComputeCapability");
            var getDriver = (delegate* unmanaged<byte*, uint, int>)NativeText.Export(library, "nvmlSystemGetDriverVersion");

            var status = init();
            if (status != Success)
            {
                notes.Add($"NVML found but nvmlInit failed with code {status} (driver not loaded?)");
                return null;
            }

            try
            {
                var driverBuffer = stackalloc byte[96];
                var driver = getDriver(driverBuffer, 96) == Success ? NativeText.FromUtf8(driverBuffer, 96) : null;
                uint count;
                if ((status = getCount(&count)) != Success)
                {
                    notes.Add($"NVML could not count devices (code {status})");
                    return null;
                }

                var gpus = new List<GpuInfo>();
                var nameBuffer = stackalloc byte[96];
                for (uint i = 0; i < count; i++)
                {
                    IntPtr device;
                    if ((status = getHandle(i, &device)) != Success)
                    {
                        notes.Add($"NVML could not open GPU {i} (code {status}); skipped");
                        continue;
                    }

                    var name = getName(device, nameBuffer, 96) == Success ? NativeText.FromUtf8(nameBuffer, 96) : $"NVIDIA GPU {i}";
                    NvmlMemory memory;
                    var hasMemory = getMemory(device, &memory) == Success;
                    int major, minor;
                    var hasCapability = getCapability(device, &major, &minor) == Success;
                    gpus.Add(new GpuInfo
                    {
                        Name = name,
                        Vendor = GpuVendor.Nvidia,
                        DedicatedMemoryBytes = hasMemory ? (long)memory.Total : 0,
                        FreeMemoryBytes = hasMemory ? (long)memory.Free : null,
                        ComputeCapability = hasCapability ? new Version(major, minor) : null,
                        DriverVersion = driver,
                        Source = "nvml",
                    });
                }

                return gpus;
            }
            finally
            {
                _ = shutdown();
            }
        }
        catch (EntryPointNotFoundException ex)
        {
            notes.Add("NVML is too old for this probe: " + ex.Message);
            return null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct NvmlMemory
    {
        public ulong Total;
        public ulong Free;
        public ulong Used;
    }

    /// <summary>Formats a CUDA driver API version such as 12040 as 12.4.</summary>
    internal static string FormatCudaVersion(int version) =>
        string.Create(CultureInfo.InvariantCulture, $"{version / 1000}.{version % 1000 / 10}");
}
