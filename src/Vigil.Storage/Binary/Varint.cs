using System.Buffers;

namespace Vigil.Storage.Binary;

/// <summary>LEB128 varints, zig-zag signed integers and length-prefixed UTF-8 strings, for WAL records and blocks
/// (the logs and metrics engines' formats).</summary>
public static class Varint
{
    /// <summary>The longest a 64-bit varint can be.</summary>
    public const int MaxLength = 10;

    public static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    public static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    public static void Write(IBufferWriter<byte> output, ulong value)
    {
        var span = output.GetSpan(MaxLength);
        var n = Write(span, value);
        output.Advance(n);
    }

    public static int Write(Span<byte> destination, ulong value)
    {
        var n = 0;
        while (value >= 0x80)
        {
            destination[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[n++] = (byte)value;
        return n;
    }

    public static void WriteSigned(IBufferWriter<byte> output, long value) => Write(output, ZigZag(value));

    public static void WriteString(IBufferWriter<byte> output, string? value)
    {
        if (value is null)
        {
            Write(output, 0);
            return;
        }

        var length = System.Text.Encoding.UTF8.GetByteCount(value);
        Write(output, (ulong)length + 1);
        var span = output.GetSpan(length);
        System.Text.Encoding.UTF8.GetBytes(value, span);
        output.Advance(length);
    }

    /// <summary>Reads a varint at <paramref name="offset"/> and moves past it; a truncated or overlong one is an <see cref="InvalidDataException"/>.</summary>
    public static ulong Read(ReadOnlySpan<byte> input, ref int offset)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if ((uint)offset >= (uint)input.Length)
            {
                throw new InvalidDataException("Truncated varint.");
            }
            var b = input[offset++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }
        throw new InvalidDataException("Varint longer than 10 bytes.");
    }
}
