namespace Phi3.OnnxSdk.Tests.Hub;

/// <summary>Checks how many bytes went directly to the disk: the aligned ones on Linux, none elsewhere.</summary>
internal static class DirectIOAssert
{
    public static void DirectBytes(long alignedBytes, long actual)
    {
        var expected = OperatingSystem.IsLinux() ? alignedBytes : 0;
        Assert.True(
            expected == actual,
            $"Expected {expected} bytes written directly, got {actual}. On Linux this needs a temp folder whose file system allows O_DIRECT (DirectIOTests says whether it does).");
    }
}
