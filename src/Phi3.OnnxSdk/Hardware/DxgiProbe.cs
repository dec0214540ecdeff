using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Phi3.OnnxSdk.Hardware;

/// <summary>Lists DirectX adapters through DXGI (dxgi.dll) and checks DirectX 12 support through d3d12.dll; Windows only.</summary>
[SupportedOSPlatform("windows")]
internal static unsafe class DxgiProbe
{
    private const int DxgiErrorNotFound = unchecked((int)0x887A0002);
    private const uint SoftwareAdapterFlag = 2;
    private const int FeatureLevel11 = 0xB000;
    private const long IntegratedThresholdBytes = 512L * 1024 * 1024;

    // COM vtable slots: IUnknown (0-2), IDXGIObject (3-6), IDXGIFactory (7-11), IDXGIFactory1.EnumAdapters1 = 12;
    // IDXGIAdapter (7-9), IDXGIAdapter1.GetDesc1 = 10.
    private const int ReleaseSlot = 2;
    private const int EnumAdapters1Slot = 12;
    private const int GetDesc1Slot = 10;

    private static readonly Guid FactoryInterface = new("770aae78-f26f-4dba-a829-253c83d1b387");
    private static readonly Guid Device12Interface = new("189819f1-1db6-4b57-be54-1821339b85f7");

    /// <summary>Returns the hardware adapters DXGI lists (software adapters left out), or an empty list with a note.</summary>
    public static List<GpuInfo> Probe(List<string> notes)
    {
        var gpus = new List<GpuInfo>();
        if (!NativeLibrary.TryLoad("dxgi.dll", out var dxgi))
        {
            notes.Add("dxgi.dll not found");
            return gpus;
        }

        delegate* unmanaged[Stdcall]<void*, int, Guid*, void**, int> createDevice = null;
        if (NativeLibrary.TryLoad("d3d12.dll", out var d3d12) && NativeLibrary.TryGetExport(d3d12, "D3D12CreateDevice", out var createAddress))
        {
            createDevice = (delegate* unmanaged[Stdcall]<void*, int, Guid*, void**, int>)createAddress;
        }
        else
        {
            notes.Add("d3d12.dll not found: no DirectX 12 on this Windows");
        }

        var createFactory = (delegate* unmanaged[Stdcall]<Guid*, void**, int>)NativeText.Export(dxgi, "CreateDXGIFactory1");
        void* factory = null;
        var factoryId = FactoryInterface;
        var hr = createFactory(&factoryId, &factory);
        if (hr < 0 || factory == null)
        {
            notes.Add($"CreateDXGIFactory1 failed with HRESULT 0x{hr:X8}");
            return gpus;
        }

        try
        {
            var enumAdapters = (delegate* unmanaged[Stdcall]<void*, uint, void**, int>)(*(void***)factory)[EnumAdapters1Slot];
            for (uint index = 0; ; index++)
            {
                void* adapter = null;
                hr = enumAdapters(factory, index, &adapter);
                if (hr == DxgiErrorNotFound || hr < 0 || adapter == null)
                {
                    break;
                }

                try
                {
                    var getDesc = (delegate* unmanaged[Stdcall]<void*, AdapterDescription*, int>)(*(void***)adapter)[GetDesc1Slot];
                    AdapterDescription description;
                    if (getDesc(adapter, &description) < 0 || (description.Flags & SoftwareAdapterFlag) != 0)
                    {
                        continue;
                    }

                    var deviceId = Device12Interface;

                    // With a null device pointer D3D12CreateDevice only tests support and returns S_FALSE (1) on success.
                    var dx12 = createDevice != null && createDevice(adapter, FeatureLevel11, &deviceId, null) >= 0;
                    var dedicated = (long)description.DedicatedVideoMemory;
                    gpus.Add(new GpuInfo
                    {
                        Name = new string(description.Description).TrimEnd('\0').Trim(),
                        Vendor = description.VendorId switch
                        {
                            0x10DE => GpuVendor.Nvidia,
                            0x1002 => GpuVendor.Amd,
                            0x8086 => GpuVendor.Intel,
                            0x5143 => GpuVendor.Qualcomm,
                            _ => GpuVendor.Unknown,
                        },
                        DedicatedMemoryBytes = dedicated,
                        SharedMemoryBytes = (long)description.SharedSystemMemory,
                        IsIntegrated = dedicated <= IntegratedThresholdBytes,
                        SupportsDirectX12 = dx12,
                        Source = "dxgi",
                    });
                }
                finally
                {
                    Release(adapter);
                }
            }
        }
        finally
        {
            Release(factory);
        }

        return gpus;
    }

    private static void Release(void* comObject) =>
        _ = ((delegate* unmanaged[Stdcall]<void*, uint>)(*(void***)comObject)[ReleaseSlot])(comObject);

    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
    private struct AdapterDescription
    {
        public fixed char Description[128];
        public uint VendorId;
        public uint DeviceId;
        public uint SubSysId;
        public uint Revision;
        public nuint DedicatedVideoMemory;
        public nuint DedicatedSystemMemory;
        public nuint SharedSystemMemory;
        public uint AdapterLuidLow;
        public int AdapterLuidHigh;
        public uint Flags;
    }
}
