using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Phi3.OnnxSdk.Cli;

/// <summary>
/// Whether a path names a regular file, asked of the operating system before the file is opened: opening a FIFO
/// blocks until a writer comes, and a device such as <c>/dev/zero</c> never ends. .NET's file APIs do not say a
/// file's type, so on Linux (<c>statx</c>) and macOS (<c>stat</c>) the mode is read natively; elsewhere (Windows has no
/// such files under ordinary paths) every existing non-folder path counts as regular. Stateless and thread-safe.
/// </summary>
internal static partial class FileKind
{
    private const int AtCurrentDirectory = -100;
    private const uint StatxType = 0x1;
    private const int TypeMask = 0xF000;
    private const int Regular = 0x8000;

    /// <summary>Gets whether <paramref name="path"/> (links followed) is a regular file; <see langword="false"/> when it does not exist or cannot be examined.</summary>
    public static bool IsRegularFile(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        byte[] buffer = new byte[256];
        if (OperatingSystem.IsLinux())
        {
            // struct statx: stx_mode is the 16-bit field at offset 28 on every architecture.
            return Statx(AtCurrentDirectory, path, 0, StatxType, buffer) == 0 && (BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(28)) & TypeMask) == Regular;
        }

        if (OperatingSystem.IsMacOS())
        {
            // struct stat (64-bit inodes): a 32-bit st_dev, then the 16-bit st_mode.
            return Stat(path, buffer) == 0 && (BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(4)) & TypeMask) == Regular;
        }

        return true;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, [Out] byte[] buffer);

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, [Out] byte[] buffer);
}
