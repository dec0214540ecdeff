using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// What the operating system says about an open file, to notice a second writer that takes no lock: whether a path
/// still names the file a handle has open (device and inode, through Linux <c>statx</c>), and where its first hole is
/// (<c>lseek(SEEK_HOLE)</c>): a file this downloader wrote has none, one truncated under it by another program and
/// then extended again has one. Elsewhere, and where a call is not supported, the checks answer "nothing seen".
/// </summary>
internal static unsafe partial class FileIdentity
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxIno = 0x100;
    private const int SeekHole = 4;

    // struct statx is 256 bytes with the same layout on every Linux architecture.
    private const int StatxSize = 256;
    private const int InodeOffset = 32;
    private const int DeviceMajorOffset = 136;
    private const int DeviceMinorOffset = 140;

    private static int _statxMissing;
    private static int _seekHoleMissing;

    /// <summary>
    /// Tells whether <paramref name="path"/> (not following a symbolic link) names the file <paramref name="handle"/>
    /// has open. <see langword="false"/> when the path is gone or names another file; <see langword="true"/> when it
    /// names the same file or this system cannot tell.
    /// </summary>
    public static bool IsSameFile(SafeFileHandle handle, string path)
    {
        if (!TryGetId(handle, null, out var open))
        {
            return File.Exists(path);
        }

        // When the path cannot be looked up, it is gone, or this system cannot tell.
        return TryGetId(null, path, out var named) ? open == named : File.Exists(path);
    }

    /// <summary>Returns the offset of the first hole in the file (its length when it has none, or when this system cannot tell).</summary>
    public static long FirstHole(SafeFileHandle handle, long length)
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess || Volatile.Read(ref _seekHoleMissing) != 0 || length == 0)
        {
            return length;
        }

        try
        {
            var hole = Seek(handle, 0, SeekHole);
            return hole < 0 ? length : Math.Min(hole, length);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            Volatile.Write(ref _seekHoleMissing, 1);
            return length;
        }
    }

    private static bool TryGetId(SafeFileHandle? handle, string? path, out (uint Major, uint Minor, ulong Inode) id)
    {
        id = default;
        if (!OperatingSystem.IsLinux() || Volatile.Read(ref _statxMissing) != 0)
        {
            return false;
        }

        var buffer = stackalloc byte[StatxSize];
        int result;
        try
        {
            result = handle is not null
                ? StatxHandle(handle, string.Empty, AtEmptyPath, StatxIno, buffer)
                : StatxPath(AtFdCwd, path!, AtSymlinkNoFollow, StatxIno, buffer);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            Volatile.Write(ref _statxMissing, 1);
            return false;
        }

        if (result != 0)
        {
            return false;
        }

        id = (*(uint*)(buffer + DeviceMajorOffset), *(uint*)(buffer + DeviceMinorOffset), *(ulong*)(buffer + InodeOffset));
        return true;
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatxHandle(SafeFileHandle directory, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatxPath(int directory, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static partial long Seek(SafeFileHandle handle, long offset, int whence);
}
