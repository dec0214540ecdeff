using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// Turns direct I/O (Linux <c>O_DIRECT</c>) on and off for an open file, so that aligned writes go from the caller's
/// buffer to the disk without a copy into the page cache. Elsewhere, and on Linux architectures whose flag value is not
/// known here, <see cref="TrySet"/> reports that direct I/O is unavailable and writes stay buffered.
/// </summary>
internal static partial class DirectIO
{
    /// <summary>
    /// The alignment direct writes keep: file offset, length and buffer address. 4 KiB satisfies every Linux file
    /// system's logical block size in common use; a file system that needs more refuses the write with EINVAL.
    /// </summary>
    public const int Alignment = 4096;

    private const int GetFlags = 3; // F_GETFL
    private const int SetFlags = 4; // F_SETFL
    private const int InvalidArgument = 22; // EINVAL

    /// <summary>Gets the <c>O_DIRECT</c> value on this process's architecture, or 0 where it is not known.</summary>
    private static int DirectFlag { get; } = !OperatingSystem.IsLinux()
        ? 0
        : RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 or Architecture.X86 or Architecture.RiscV64 or Architecture.LoongArch64 or Architecture.S390x => 0x4000,
            Architecture.Arm64 or Architecture.Arm => 0x10000,
            _ => 0,
        };

    /// <summary>Gets whether this system can do direct I/O at all (a given file system may still refuse it).</summary>
    public static bool IsAvailable => DirectFlag != 0;

    /// <summary>Turns direct I/O on or off for <paramref name="handle"/>.</summary>
    /// <returns>Whether the file is now in the asked mode; <see langword="false"/> where direct I/O is not available.</returns>
    public static bool TrySet(SafeFileHandle handle, bool direct)
    {
        if (!IsAvailable)
        {
            return !direct;
        }

        var flags = Fcntl(handle, GetFlags, 0);
        if (flags < 0)
        {
            return false;
        }

        var wanted = direct ? flags | DirectFlag : flags & ~DirectFlag;
        if (wanted != flags && Fcntl(handle, SetFlags, wanted) < 0)
        {
            return false;
        }

        // Check: F_SETFL silently ignores flags it does not know.
        return (Fcntl(handle, GetFlags, 0) & DirectFlag) == (direct ? DirectFlag : 0);
    }

    /// <summary>Gets whether a write of <paramref name="data"/> at <paramref name="offset"/> meets the alignment direct I/O needs.</summary>
    public static unsafe bool IsAligned(ReadOnlySpan<byte> data, long offset)
    {
        fixed (byte* address = data)
        {
            return offset % Alignment == 0 && data.Length % Alignment == 0 && (nuint)address % Alignment == 0;
        }
    }

    /// <summary>Gets whether a write failed because the file system refused a direct write (its alignment rules differ).</summary>
    public static bool IsRefusal(IOException exception) => exception.HResult == InvalidArgument;

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(SafeFileHandle handle, int command, int argument);
}
