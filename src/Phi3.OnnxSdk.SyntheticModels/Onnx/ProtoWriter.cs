using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Phi3.OnnxSdk.SyntheticModels.Onnx;

/// <summary>
/// Writes the protocol buffers wire format: just the parts ONNX's <c>ModelProto</c> needs
/// (varints, 32-bit floats, length-delimited bytes and nested messages).
/// </summary>
internal sealed class ProtoWriter
{
    private const int VarintWire = 0;
    private const int LengthDelimitedWire = 2;
    private const int Fixed32Wire = 5;

    private readonly ArrayBufferWriter<byte> _buffer = new();

    public long Length => _buffer.WrittenCount;

    public void WriteInt64(int field, long value)
    {
        WriteTag(field, VarintWire);
        WriteVarint(unchecked((ulong)value));
    }

    public void WriteFloat(int field, float value)
    {
        WriteTag(field, Fixed32Wire);
        BinaryPrimitives.WriteSingleLittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public void WriteString(int field, string value) => WriteBytes(field, Encoding.UTF8.GetBytes(value));

    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, LengthDelimitedWire);
        WriteVarint((ulong)value.Length);
        _buffer.Write(value);
    }

    public void WritePackedInt64(int field, IReadOnlyList<long> values)
    {
        var inner = new ProtoWriter();
        foreach (var value in values)
        {
            inner.WriteVarint(unchecked((ulong)value));
        }

        WriteBytes(field, inner.AsSpan());
    }

    public void WriteMessage(int field, Action<ProtoWriter> writeBody)
    {
        var inner = new ProtoWriter();
        writeBody(inner);
        WriteBytes(field, inner.AsSpan());
    }

    public ReadOnlySpan<byte> AsSpan() => _buffer.WrittenSpan;

    public void CopyTo(Stream destination) => destination.Write(AsSpan());

    private void WriteTag(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        WriteByte((byte)value);
    }

    private void WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }
}
