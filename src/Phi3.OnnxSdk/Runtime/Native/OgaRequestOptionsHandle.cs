using System.Runtime.InteropServices;

namespace Phi3.OnnxSdk.Runtime.Native;

/// <summary>Owns an <c>OgaRequestOptions*</c>.</summary>
internal sealed class OgaRequestOptionsHandle : SafeHandle
{
    /// <summary>Initializes an invalid handle, for marshalling.</summary>
    public OgaRequestOptionsHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    private OgaRequestOptionsHandle(IntPtr handle)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(handle);
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Takes ownership of <paramref name="result"/>'s out pointer after checking the call's <c>OgaResult*</c>.</summary>
    public static OgaRequestOptionsHandle FromCall(IntPtr result, IntPtr created)
    {
        NativeError.ThrowIfFailed(result);
        return new OgaRequestOptionsHandle(created);
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        NativeMethods.OgaDestroyRequestOptions(handle);
        return true;
    }
}
