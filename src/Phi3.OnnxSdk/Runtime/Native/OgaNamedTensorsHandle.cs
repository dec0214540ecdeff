using System.Runtime.InteropServices;

namespace Phi3.OnnxSdk.Runtime.Native;

/// <summary>Owns an <c>OgaNamedTensors*</c>; a call in flight keeps it alive (SafeHandle reference counting). The release may run on any thread.</summary>
internal sealed class OgaNamedTensorsHandle : SafeHandle
{
    /// <summary>Initializes an invalid handle, for marshalling.</summary>
    public OgaNamedTensorsHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    private OgaNamedTensorsHandle(IntPtr handle)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(handle);
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Takes ownership of <paramref name="created"/> after checking the call's <c>OgaResult*</c>.</summary>
    /// <exception cref="InvalidOperationException">The native call failed.</exception>
    public static OgaNamedTensorsHandle FromCall(IntPtr result, IntPtr created)
    {
        NativeError.ThrowIfFailed(result);
        return new OgaNamedTensorsHandle(created);
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        VisionNativeMethods.OgaDestroyNamedTensors(handle);
        return true;
    }
}
