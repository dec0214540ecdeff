using System.Runtime.InteropServices;

namespace Phi3.OnnxSdk.Runtime.Native;

/// <summary>The one error path for <c>OgaResult*</c> returns: read the native message, free the result, throw.</summary>
internal static class NativeError
{
    /// <summary>Throws when <paramref name="result"/> is a non-null <c>OgaResult*</c>; always frees it.</summary>
    /// <exception cref="InvalidOperationException">The native call failed; the message is onnxruntime-genai's.</exception>
    public static void ThrowIfFailed(IntPtr result)
    {
        if (result == IntPtr.Zero)
        {
            return;
        }

        string message;
        try
        {
            message = Marshal.PtrToStringUTF8(NativeMethods.OgaResultGetError(result)) ?? "unknown error";
        }
        finally
        {
            NativeMethods.OgaDestroyResult(result);
        }

        throw new InvalidOperationException($"onnxruntime-genai: {message}");
    }

    /// <summary>Returns the native error message of <paramref name="result"/> (freeing it), or null on success.</summary>
    public static string? TakeMessage(IntPtr result)
    {
        if (result == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(NativeMethods.OgaResultGetError(result)) ?? "unknown error";
        }
        finally
        {
            NativeMethods.OgaDestroyResult(result);
        }
    }
}
