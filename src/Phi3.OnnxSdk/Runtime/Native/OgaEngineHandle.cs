using System.Runtime.InteropServices;

namespace Phi3.OnnxSdk.Runtime.Native;

/// <summary>Owns an <c>OgaEngine*</c>. Destroy it on the engine's owner thread.</summary>
internal sealed class OgaEngineHandle : SafeHandle
{
    /// <summary>Initializes an invalid handle, for marshalling.</summary>
    public OgaEngineHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    private OgaEngineHandle(IntPtr handle)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(handle);
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Takes ownership of <paramref name="result"/>'s out pointer after checking the call's <c>OgaResult*</c>.</summary>
    public static OgaEngineHandle FromCall(IntPtr result, IntPtr created)
    {
        NativeError.ThrowIfFailed(result);
        return new OgaEngineHandle(created);
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        NativeMethods.OgaDestroyEngine(handle);
        return true;
    }
}
