using System.Runtime.InteropServices;

namespace Phi3.OnnxSdk.Hub;

/// <summary>
/// A buffer whose first byte lies on a <see cref="DirectIO.Alignment"/> boundary in memory, as direct writes need:
/// a window into a pinned array, allocated once and reused.
/// </summary>
internal sealed class AlignedBuffer
{
    private readonly byte[] _array;
    private readonly int _start;

    public AlignedBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        _array = GC.AllocateUninitializedArray<byte>(length + DirectIO.Alignment, pinned: true);
        var address = (long)Marshal.UnsafeAddrOfPinnedArrayElement(_array, 0);
        _start = (int)((DirectIO.Alignment - (address % DirectIO.Alignment)) % DirectIO.Alignment);
        Length = length;
    }

    /// <summary>Gets the usable length.</summary>
    public int Length { get; }

    /// <summary>Gets the whole buffer.</summary>
    public Memory<byte> Memory => _array.AsMemory(_start, Length);

    /// <summary>Gets the whole buffer.</summary>
    public Span<byte> Span => _array.AsSpan(_start, Length);
}
