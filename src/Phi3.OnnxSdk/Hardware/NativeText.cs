using System.Runtime.InteropServices;
using System.Text;

namespace Phi3.OnnxSdk.Hardware;

/// <summary>Small helpers for the native probes.</summary>
internal static unsafe class NativeText
{
    /// <summary>Reads a NUL-terminated UTF-8 string from a fixed-size buffer.</summary>
    public static string FromUtf8(byte* buffer, int capacity)
    {
        var length = 0;
        while (length < capacity && buffer[length] != 0)
        {
            length++;
        }

        return Encoding.UTF8.GetString(buffer, length).Trim();
    }

    /// <summary>Loads the first library of <paramref name="names"/> that the OS loader can find.</summary>
    public static bool TryLoadAny(IEnumerable<string> names, out IntPtr handle, out string loadedName)
    {
        foreach (var name in names)
        {
            if (NativeLibrary.TryLoad(name, out handle))
            {
                loadedName = name;
                return true;
            }
        }

        handle = IntPtr.Zero;
        loadedName = string.Empty;
        return false;
    }

    /// <summary>Gets an export or throws <see cref="EntryPointNotFoundException"/> naming it.</summary>
    public static IntPtr Export(IntPtr library, string name) =>
        NativeLibrary.TryGetExport(library, name, out var address) ? address : throw new EntryPointNotFoundException($"The native library has no export '{name}'.");
}
