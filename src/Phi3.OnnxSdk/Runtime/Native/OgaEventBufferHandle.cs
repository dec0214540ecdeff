using System.Runtime.InteropServices;

namespace Phi3.OnnxSdk.Runtime.Native;

/// <summary>Owns an <c>OgaEngineEventBuffer*</c>. Destroy it on the engine's owner thread.</summary>
internal sealed class OgaEventBufferHandle : SafeHandle
{
    /// <summary>Initializes an invalid handle, for marshalling.</summary>
    public OgaEventBufferHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    private OgaEventBufferHandle(IntPtr handle)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(handle);
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Takes ownership of <paramref name="result"/>'s out pointer after checking the call's <c>OgaResult*</c>.</summary>
    public static OgaEventBufferHandle FromCall(IntPtr result, IntPtr created)
    {
        NativeError.ThrowIfFailed(result);
        return new OgaEventBufferHandle(created);
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        NativeMethods.OgaDestroyEngineEventBuffer(handle);
        return true;
    }
}
