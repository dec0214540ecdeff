using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging.Abstractions;
using Phi3.OnnxSdk.Catalog;
using Phi3.OnnxSdk.Hardware;
using Phi3.OnnxSdk.Resolution;

namespace Phi3.OnnxSdk.Tests.Hardware;

public sealed class SystemHardwareProbeTests
{
    [Fact]
    public async Task ProbeAsync_ThisMachine_ReportsCpuAndGpusOnlyWithADriver()
    {
        // The test machines have only the CPU build of onnxruntime-genai; most (this one included) have no NVIDIA driver.
        var nvidiaDriver = NativeLibrary.TryLoad(OperatingSystem.IsWindows() ? "nvml.dll" : "libnvidia-ml.so.1", out _);
        var clock = Stopwatch.StartNew();

        var hardware = await new SystemHardwareProbe().ProbeAsync();

        clock.Stop();
        var nvidiaGpus = hardware.Gpus.Count(g => g.Vendor == GpuVendor.Nvidia);
        Assert.Equal(nvidiaDriver, nvidiaGpus > 0);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(nvidiaGpus, hardware.Gpus.Count);
        }

        Assert.False(hardware.Providers.Cuda);
        Assert.False(hardware.Providers.DirectML);
        Assert.Equal(RuntimeInformation.ProcessArchitecture, hardware.Cpu.Architecture);
        Assert.Equal(Environment.ProcessorCount, hardware.Cpu.LogicalCores);
        Assert.True(hardware.Memory.TotalBytes > 0);
        Assert.InRange(hardware.Memory.AvailableBytes ?? 0, 1, hardware.Memory.TotalBytes!.Value);
        Assert.Equal(!nvidiaDriver, hardware.Notes.Any(n => n.Contains("NVML (NVIDIA management library) not found", StringComparison.Ordinal)));

        // Bounded: every probe runs in parallel under a 3 s limit, so the whole probe cannot take much longer than that.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"probing took {clock.Elapsed}");
    }

    [Fact]
    public async Task Resolve_ThisMachine_ChoosesCpuInt4AccuracyLevel4()
    {
        var resolver = new VariantResolver(environment: _ => null);

        var hardware = await new SystemHardwareProbe().ProbeAsync();

        var result = resolver.Resolve(hardware);

        Assert.Equal("phi-3-mini-128k-instruct/cpu-int4-rtn-block-32-acc-level-4", result.Variant.Id);
        Assert.Equal(ExecutionProvider.Cpu, result.Provider);
        if (hardware.Gpus.Count == 0)
        {
            Assert.Null(result.Fallback);
        }
    }

    [Fact]
    public async Task RunBoundedAsync_ProbeOverrunsItsLimit_ReturnsFallbackWithNote()
    {
        using var release = new ManualResetEventSlim();
        var clock = Stopwatch.StartNew();

        var result = await SystemHardwareProbe.RunBoundedAsync(
            "slow", _ => { release.Wait(TimeSpan.FromSeconds(30)); return "late"; }, "absent", TimeSpan.FromMilliseconds(100), NullLogger.Instance, CancellationToken.None);

        clock.Stop();
        release.Set();
        Assert.Equal("absent", result.Value);
        Assert.Equal(["slow probe timed out after 100 ms; reported absent"], result.Notes);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task RunBoundedAsync_ProbeThrows_ReturnsFallbackWithNote()
    {
        var result = await SystemHardwareProbe.RunBoundedAsync<string>(
            "broken", _ => throw new DllNotFoundException("libnvidia-ml.so.1: cannot open"), "absent", TimeSpan.FromSeconds(5), NullLogger.Instance, CancellationToken.None);

        Assert.Equal("absent", result.Value);
        Assert.Equal(["broken probe failed (DllNotFoundException: libnvidia-ml.so.1: cannot open); reported absent"], result.Notes);
    }

    [Fact]
    public async Task RunBoundedAsync_Cancelled_Throws()
    {
        using var cancellation = new CancellationTokenSource();
        using var release = new ManualResetEventSlim();
        var run = SystemHardwareProbe.RunBoundedAsync(
            "slow", _ => { release.Wait(TimeSpan.FromSeconds(30)); return 1; }, 0, TimeSpan.FromSeconds(30), NullLogger.Instance, cancellation.Token);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        release.Set();
    }

    [Fact]
    public void MergeGpus_SameNvidiaGpuFromNvmlAndDxgi_JoinsThem()
    {
        GpuInfo[] nvidia = [new() { Name = "NVIDIA GeForce RTX 4090", Vendor = GpuVendor.Nvidia, DedicatedMemoryBytes = 24_000_000_000, ComputeCapability = new Version(8, 9), Source = "nvml" }];
        GpuInfo[] dxgi =
        [
            new() { Name = "NVIDIA GeForce RTX 4090", Vendor = GpuVendor.Nvidia, DedicatedMemoryBytes = 24_000_000_000, SharedMemoryBytes = 32_000_000_000, SupportsDirectX12 = true, Source = "dxgi" },
            new() { Name = "Intel(R) UHD Graphics 770", Vendor = GpuVendor.Intel, IsIntegrated = true, SupportsDirectX12 = true, Source = "dxgi" },
        ];

        var merged = SystemHardwareProbe.MergeGpus(nvidia, dxgi);

        Assert.Equal(2, merged.Count);
        Assert.Equal("nvml+dxgi", merged[0].Source);
        Assert.True(merged[0].SupportsDirectX12);
        Assert.Equal(new Version(8, 9), merged[0].ComputeCapability);
        Assert.Equal("dxgi", merged[1].Source);
    }

    [Fact]
    public void Constructor_NonPositiveTimeout_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SystemHardwareProbe(new HardwareProbeOptions { ProbeTimeout = TimeSpan.Zero }));
    }
}
