using System.Runtime.InteropServices;

namespace Phi3.OnnxSdk.Runtime.Native;

/// <summary>Owns an <c>OgaRequest*</c>. The final release may run on any thread.</summary>
internal sealed class OgaRequestHandle : SafeHandle
{
    /// <summary>Initializes an invalid handle, for marshalling.</summary>
    public OgaRequestHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    private OgaRequestHandle(IntPtr handle)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(handle);
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Takes ownership of <paramref name="result"/>'s out pointer after checking the call's <c>OgaResult*</c>.</summary>
    public static OgaRequestHandle FromCall(IntPtr result, IntPtr created)
    {
        NativeError.ThrowIfFailed(result);
        return new OgaRequestHandle(created);
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        NativeMethods.OgaDestroyRequest(handle);
        return true;
    }
}
