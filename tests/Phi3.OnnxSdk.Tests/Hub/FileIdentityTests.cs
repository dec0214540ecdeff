using Phi3.OnnxSdk.Hub;

namespace Phi3.OnnxSdk.Tests.Hub;

public sealed class FileIdentityTests
{
    [Fact]
    public void IsSameFile_PathOfTheOpenFile_IsTrueUntilItIsReplaced()
    {
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "blob.incomplete");
        File.WriteAllBytes(path, new byte[100]);
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);

        Assert.True(FileIdentity.IsSameFile(handle, path));

        File.Move(path, path + ".moved");
        Assert.False(FileIdentity.IsSameFile(handle, path));
        Assert.True(FileIdentity.IsSameFile(handle, path + ".moved"));

        // Another file under the old name: only Linux can tell it is not the open one.
        File.WriteAllBytes(path, new byte[100]);
        Assert.Equal(!OperatingSystem.IsLinux(), FileIdentity.IsSameFile(handle, path));
    }

    [Fact]
    public void FirstHole_FileWrittenFromItsStart_HasNone()
    {
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "blob");
        File.WriteAllBytes(path, new byte[1 << 20]);
        using var handle = File.OpenHandle(path);

        Assert.Equal(1 << 20, FileIdentity.FirstHole(handle, 1 << 20));
    }

    [Fact]
    public void FirstHole_FileTruncatedAndWrittenPastItsEnd_FindsTheHoleOnLinux()
    {
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "blob");
        using var handle = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite);
        RandomAccess.Write(handle, new byte[4096], 0);
        RandomAccess.Write(handle, new byte[4096], 1 << 20);

        var hole = FileIdentity.FirstHole(handle, RandomAccess.GetLength(handle));

        Assert.Equal(OperatingSystem.IsLinux() ? 4096 : RandomAccess.GetLength(handle), hole);
    }
}
