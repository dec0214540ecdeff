using System.Runtime.InteropServices;

namespace Phi3.OnnxSdk.Runtime.Native;

/// <summary>Owns an <c>OgaTurnOptions*</c>.</summary>
internal sealed class OgaTurnOptionsHandle : SafeHandle
{
    /// <summary>Initializes an invalid handle, for marshalling.</summary>
    public OgaTurnOptionsHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    private OgaTurnOptionsHandle(IntPtr handle)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(handle);
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Takes ownership of <paramref name="result"/>'s out pointer after checking the call's <c>OgaResult*</c>.</summary>
    public static OgaTurnOptionsHandle FromCall(IntPtr result, IntPtr created)
    {
        NativeError.ThrowIfFailed(result);
        return new OgaTurnOptionsHandle(created);
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        NativeMethods.OgaDestroyTurnOptions(handle);
        return true;
    }
}
