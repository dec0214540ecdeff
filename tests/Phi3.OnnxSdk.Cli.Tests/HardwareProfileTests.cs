using Phi3.OnnxSdk.Hardware;

namespace Phi3.OnnxSdk.Cli.Tests;

public sealed class HardwareProfileTests
{
    [Theory]
    [InlineData("cuda:24GB", 24_000_000_000)]
    [InlineData("CUDA:8g", 8_000_000_000)]
    [InlineData("cuda:12", 12_000_000_000)]
    [InlineData("cuda:16GiB", 17_179_869_184)]
    [InlineData("cuda", 24_000_000_000)]
    public void Parse_Cuda_IsAnNvidiaGpuOfThatVramWithTheCudaProvider(string text, long vram)
    {
        var hardware = HardwareProfile.Parse(text).Hardware;

        var gpu = Assert.Single(hardware.Gpus);
        Assert.Equal(GpuVendor.Nvidia, gpu.Vendor);
        Assert.Equal(vram, gpu.DedicatedMemoryBytes);
        Assert.True(gpu.ComputeCapability >= new Version(7, 0));
        Assert.True(hardware.Providers.Cuda);
        Assert.False(hardware.Providers.DirectML);
    }

    [Fact]
    public void Parse_Dml_IsADirectX12GpuOnWindowsWithDirectML()
    {
        var hardware = HardwareProfile.Parse("dml").Hardware;

        Assert.Equal(OperatingSystemKind.Windows, hardware.OperatingSystem);
        Assert.True(Assert.Single(hardware.Gpus).SupportsDirectX12);
        Assert.True(hardware.Providers.DirectML);
        Assert.False(hardware.Providers.Cuda);
    }

    [Theory]
    [InlineData("cpu:8GB", 8_000_000_000)]
    [InlineData("cpu:512MB", 512_000_000)]
    [InlineData("cpu", 16_000_000_000)]
    public void Parse_Cpu_HasThatRamAndNoGpu(string text, long ram)
    {
        var hardware = HardwareProfile.Parse(text).Hardware;

        Assert.Empty(hardware.Gpus);
        Assert.Equal(ram, hardware.Memory.TotalBytes);
    }

    [Theory]
    [InlineData("tpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-8GB")]
    [InlineData("cpu:8XB")]
    public void Parse_Unknown_ThrowsUsageExceptionNamingTheText(string text)
    {
        var ex = Assert.Throws<CliUsageException>(() => HardwareProfile.Parse(text));
        Assert.Contains(text, ex.Message, StringComparison.Ordinal);
    }
}
