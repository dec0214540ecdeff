using System.Runtime.InteropServices;

namespace Phi3.OnnxSdk.Hardware;

/// <summary>Reads NVIDIA GPUs through the CUDA driver library (libcuda / nvcuda.dll) when NVML is absent.</summary>
internal static unsafe class CudaDriverProbe
{
    private const int Success = 0;
    private const int AttributeComputeCapabilityMajor = 75;
    private const int AttributeComputeCapabilityMinor = 76;

    /// <summary>Returns the GPUs the CUDA driver reports (free memory unknown), or <see langword="null"/> with a note.</summary>
    public static List<GpuInfo>? TryProbe(List<string> notes)
    {
        string[] names = OperatingSystem.IsWindows() ? ["nvcuda.dll"] : ["libcuda.so.1", "libcuda.so"];
        if (!NativeText.TryLoadAny(names, out var library, out _))
        {
            notes.Add("CUDA driver library not found");
            return null;
        }

        // The library stays loaded: the driver may keep threads in it, and onnxruntime loads it again anyway.
        try
        {
            var cuInit = (delegate* unmanaged<uint, int>)NativeText.Export(library, "cuInit");
            var driverVersion = (delegate* unmanaged<int*, int>)NativeText.Export(library, "cuDriverGetVersion");
            var getCount = (delegate* unmanaged<int*, int>)NativeText.Export(library, "cuDeviceGetCount");
            var getDevice = (delegate* unmanaged<int*, int, int>)NativeText.Export(library, "cuDeviceGet");
            var getName = (delegate* unmanaged<byte*, int, int, int>)NativeText.Export(library, "cuDeviceGetName");
            var totalMemory = (delegate* unmanaged<nuint*, int, int>)NativeText.Export(library, "cuDeviceTotalMem_v2");
            var getAttribute = (delegate* unmanaged<int*, int, int, int>)NativeText.Export(library, "cuDeviceGetAttribute");

            var status = cuInit(0);
            if (status != Success)
            {
                notes.Add($"CUDA driver found but cuInit failed with code {status} (no usable GPU?)");
                return null;
            }

            int version;
            var driver = driverVersion(&version) == Success ? "CUDA " + NvmlProbe.FormatCudaVersion(version) : null;
            int count;
            if ((status = getCount(&count)) != Success)
            {
                notes.Add($"CUDA driver could not count devices (code {status})");
                return null;
            }

            var gpus = new List<GpuInfo>();
            var nameBuffer = stackalloc byte[256];
            for (var i = 0; i < count; i++)
            {
                int device;
                if (getDevice(&device, i) != Success)
                {
                    continue;
                }

                var name = getName(nameBuffer, 256, device) == Success ? NativeText.FromUtf8(nameBuffer, 256) : $"NVIDIA GPU {i}";
                nuint bytes;
                int major = 0, minor = 0;
                var hasCapability = getAttribute(&major, AttributeComputeCapabilityMajor, device) == Success
                    && getAttribute(&minor, AttributeComputeCapabilityMinor, device) == Success;
                gpus.Add(new GpuInfo
                {
                    Name = name,
                    Vendor = GpuVendor.Nvidia,
                    DedicatedMemoryBytes = totalMemory(&bytes, device) == Success ? (long)bytes : 0,
                    ComputeCapability = hasCapability ? new Version(major, minor) : null,
                    DriverVersion = driver,
                    Source = "cuda-driver",
                });
            }

            return gpus;
        }
        catch (EntryPointNotFoundException ex)
        {
            notes.Add("CUDA driver library is missing an expected function: " + ex.Message);
            return null;
        }
    }
}
