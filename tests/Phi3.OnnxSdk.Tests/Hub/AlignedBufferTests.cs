using System.Runtime.InteropServices;
using Phi3.OnnxSdk.Hub;

namespace Phi3.OnnxSdk.Tests.Hub;

public sealed class AlignedBufferTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData(1 << 20)]
    [InlineData((1 << 20) + 123)]
    public void Constructor_AnyLength_StartsOnAnAlignmentBoundaryWithTheWholeLengthUsable(int length)
    {
        for (int i = 0; i < 5; i++)
        {
            var buffer = new AlignedBuffer(length);
            Assert.Equal(length, buffer.Span.Length);
            Assert.Equal(length, buffer.Memory.Length);
            Assert.True(MemoryMarshal.TryGetArray<byte>(buffer.Memory, out var segment));
            var address = (long)Marshal.UnsafeAddrOfPinnedArrayElement(segment.Array!, segment.Offset);
            Assert.Equal(0, address % DirectIO.Alignment);
            buffer.Span.Fill(0xAB); // the whole window is writable
        }
    }
}
