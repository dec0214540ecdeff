using Phi3.OnnxSdk.SyntheticModels.Onnx;

namespace Phi3.OnnxSdk.SyntheticModels.Tests.Onnx;

public class ProtoWriterTests
{
    [Fact]
    public void WriteInt64_MultiByteVarint_EncodesLittleEndianGroups()
    {
        var writer = new ProtoWriter();
        writer.WriteInt64(1, 300);
        Assert.Equal(new byte[] { 0x08, 0xAC, 0x02 }, writer.AsSpan().ToArray());
    }

    [Fact]
    public void WriteInt64_Negative_UsesTenByteTwosComplement()
    {
        var writer = new ProtoWriter();
        writer.WriteInt64(3, -1);
        Assert.Equal(new byte[] { 0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, writer.AsSpan().ToArray());
    }

    [Fact]
    public void WriteMessage_Nested_PrefixesLength()
    {
        var writer = new ProtoWriter();
        writer.WriteMessage(7, inner => inner.WriteString(2, "ab"));
        Assert.Equal(new byte[] { 0x3A, 0x04, 0x12, 0x02, (byte)'a', (byte)'b' }, writer.AsSpan().ToArray());
    }

    [Fact]
    public void WriteFloat_One_WritesFixed32()
    {
        var writer = new ProtoWriter();
        writer.WriteFloat(2, 1f);
        Assert.Equal(new byte[] { 0x15, 0x00, 0x00, 0x80, 0x3F }, writer.AsSpan().ToArray());
    }
}
