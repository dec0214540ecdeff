using System.Globalization;
using System.Runtime.InteropServices;
using Phi3.OnnxSdk.Hub;

namespace Phi3.OnnxSdk.Tests.Hub;

public sealed class DirectIOTests
{
    [Fact]
    public void TrySet_OnAndOffAgain_ChangesTheFlagTheKernelReports()
    {
        using var folder = new TempDirectory();
        using var handle = File.OpenHandle(Path.Combine(folder.Path, "file.bin"), FileMode.Create, FileAccess.ReadWrite);

        var on = DirectIO.TrySet(handle, direct: true);

        if (!OperatingSystem.IsLinux())
        {
            Assert.False(on);
            Assert.True(DirectIO.TrySet(handle, direct: false));
            return;
        }

        Assert.True(on, $"The file system of the temp folder '{folder.Path}' refused O_DIRECT; these tests need one that allows it (ext4, xfs, btrfs, or tmpfs on Linux 6.6 or later).");
        Assert.True(HasDirectFlag(handle), "The kernel does not report O_DIRECT after TrySet(true).");
        Assert.True(DirectIO.TrySet(handle, direct: false));
        Assert.False(HasDirectFlag(handle), "The kernel still reports O_DIRECT after TrySet(false).");
    }

    [Fact]
    public void IsAligned_BufferOffsetAndLengthOnBoundaries_IsTrueOnlyWhenAllThreeAre()
    {
        var buffer = new AlignedBuffer(4 * DirectIO.Alignment);
        ReadOnlySpan<byte> bytes = buffer.Span;

        Assert.True(DirectIO.IsAligned(bytes, 0));
        Assert.True(DirectIO.IsAligned(bytes[..DirectIO.Alignment], 3L * DirectIO.Alignment));
        Assert.False(DirectIO.IsAligned(bytes, 100)); // file offset
        Assert.False(DirectIO.IsAligned(bytes[..(DirectIO.Alignment - 1)], 0)); // length
        Assert.False(DirectIO.IsAligned(bytes.Slice(1, DirectIO.Alignment), 0)); // memory address
    }

    private static bool HasDirectFlag(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        // /proc/self/fdinfo/N has "flags:\t0100002" in octal; O_DIRECT is 040000 on x86 and 0200000 on Arm.
        var directFlag = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x10000 : 0x4000;
        var line = File.ReadAllLines($"/proc/self/fdinfo/{handle.DangerousGetHandle()}").Single(l => l.StartsWith("flags:", StringComparison.Ordinal));
        var flags = Convert.ToInt32(line["flags:".Length..].Trim(), 8);
        return (flags & directFlag) != 0;
    }
}
