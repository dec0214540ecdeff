using Phi3.OnnxSdk.Hardware;

namespace Phi3.OnnxSdk.Tests.Hardware;

public sealed class MemoryProbeTests
{
    [Fact]
    public void ParseMeminfo_ProcMeminfoLines_ReturnsBytes()
    {
        string[] lines = ["MemTotal:       32791284 kB", "MemFree:         1234567 kB", "MemAvailable:   20123456 kB", "Buffers:           12345 kB"];

        var (total, available) = MemoryProbe.ParseMeminfo(lines);

        Assert.Equal(32_791_284L * 1024, total);
        Assert.Equal(20_123_456L * 1024, available);
    }

    [Fact]
    public void ParseMeminfo_OldKernelWithoutMemAvailable_LeavesAvailableUnknown()
    {
        var (total, available) = MemoryProbe.ParseMeminfo(["MemTotal: 1024 kB", "MemFree: 512 kB"]);

        Assert.Equal(1024L * 1024, total);
        Assert.Null(available);
    }
}
