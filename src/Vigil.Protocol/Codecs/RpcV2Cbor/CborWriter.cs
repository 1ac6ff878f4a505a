using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using System.Text.Unicode;

namespace Vigil.Protocol.Codecs.RpcV2Cbor;

/// <summary>
/// Writes CBOR (RFC 8949) into an <see cref="IBufferWriter{T}"/>. Definite lengths only, which
/// is what Smithy RPC v2 peers send and expect; the caller states each container's count up
/// front and writes exactly that many items (pairs for maps): the writer does not check.
/// Integers and lengths always take the shortest form. Holds no state besides the output, so
/// copies are interchangeable; not thread-safe, like the buffer writer it wraps.
/// </summary>
internal readonly struct CborWriter
{
    // Initial byte plus an 8-byte argument.
    private const int MaxHeaderLength = 9;

    private readonly IBufferWriter<byte> _output;

    public CborWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    public void WriteStartMap(int pairCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pairCount);
        WriteHeaderOnly(5, (ulong)pairCount);
    }

    public void WriteStartArray(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        WriteHeaderOnly(4, (ulong)count);
    }

    /// <summary>
    /// Writes a text string. Lone surrogates become U+FFFD (Encoding.UTF8's replacement), so the
    /// output is always valid UTF-8 even for strings a caller got from a lenient source.
    /// </summary>
    public void WriteTextString(ReadOnlySpan<char> value)
    {
        int byteCount = Encoding.UTF8.GetByteCount(value);
        Span<byte> span = _output.GetSpan(MaxHeaderLength + byteCount);
        int headerLength = WriteHeader(span, 3, (ulong)byteCount);
        int written = Encoding.UTF8.GetBytes(value, span[headerLength..]);
        Debug.Assert(written == byteCount, "GetByteCount and GetBytes agree");
        _output.Advance(headerLength + written);
    }

    /// <summary>Writes a text string from bytes the caller guarantees are UTF-8 (e.g. <c>"__type"u8</c>).</summary>
    public void WriteTextString(ReadOnlySpan<byte> utf8)
    {
        Debug.Assert(Utf8.IsValid(utf8), "caller passes valid UTF-8");
        WriteWithBody(3, utf8);
    }

    public void WriteByteString(ReadOnlySpan<byte> value) => WriteWithBody(2, value);

    public void WriteInt64(long value)
    {
        // Major 1 carries -1 - n, which is the bitwise complement.
        if (value >= 0)
        {
            WriteHeaderOnly(0, (ulong)value);
        }
        else
        {
            WriteHeaderOnly(1, (ulong)~value);
        }
    }

    public void WriteUInt64(ulong value) => WriteHeaderOnly(0, value);

    /// <summary>Always float64, as botocore does: the cheapest form to produce and every client reads it.</summary>
    public void WriteDouble(double value)
    {
        Span<byte> span = _output.GetSpan(9);
        span[0] = 0xfb;
        BinaryPrimitives.WriteDoubleBigEndian(span[1..], value);
        _output.Advance(9);
    }

    /// <summary>
    /// Writes the shortest float (16, 32 or 64 bits) that holds <paramref name="value"/> exactly.
    /// NaN becomes the canonical 0xf97e00; its payload is not kept.
    /// </summary>
    public void WriteDoubleShortest(double value)
    {
        Span<byte> span = _output.GetSpan(9);
        if (double.IsNaN(value))
        {
            span[0] = 0xf9;
            span[1] = 0x7e;
            span[2] = 0x00;
            _output.Advance(3);
            return;
        }

        Half half = (Half)value;
        if ((double)half == value)
        {
            span[0] = 0xf9;
            BinaryPrimitives.WriteHalfBigEndian(span[1..], half);
            _output.Advance(3);
            return;
        }

        float single = (float)value;
        if ((double)single == value)
        {
            span[0] = 0xfa;
            BinaryPrimitives.WriteSingleBigEndian(span[1..], single);
            _output.Advance(5);
            return;
        }

        WriteDouble(value);
    }

    public void WriteBoolean(bool value) => WriteByte(value ? (byte)0xf5 : (byte)0xf4);

    public void WriteNull() => WriteByte(0xf6);

    public void WriteTag(ulong tag) => WriteHeaderOnly(6, tag);

    /// <summary>
    /// Smithy timestamp: tag 1 with epoch seconds, an integer when the value is whole seconds
    /// and a float64 otherwise (what the JS SDK sends and botocore reads back).
    /// </summary>
    public void WriteEpochTimestamp(DateTimeOffset value)
    {
        WriteTag(1);
        long ticks = value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        long seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out long remainder);
        if (remainder == 0)
        {
            WriteInt64(seconds);
            return;
        }

        if (remainder < 0)
        {
            // Before 1970, DivRem truncates toward zero; move the fraction to [0, 1).
            seconds--;
            remainder += TimeSpan.TicksPerSecond;
        }

        // Whole and fractional parts separately: the tick count itself is past 2^53.
        WriteDouble(seconds + (remainder / (double)TimeSpan.TicksPerSecond));
    }

    /// <summary>Writes an initial byte and shortest argument to <paramref name="destination"/>; returns the byte count.</summary>
    public static int WriteHeader(Span<byte> destination, int major, ulong argument)
    {
        byte type = (byte)(major << 5);
        if (argument < 24)
        {
            destination[0] = (byte)(type | (byte)argument);
            return 1;
        }

        if (argument <= byte.MaxValue)
        {
            destination[0] = (byte)(type | 24);
            destination[1] = (byte)argument;
            return 2;
        }

        if (argument <= ushort.MaxValue)
        {
            destination[0] = (byte)(type | 25);
            BinaryPrimitives.WriteUInt16BigEndian(destination[1..], (ushort)argument);
            return 3;
        }

        if (argument <= uint.MaxValue)
        {
            destination[0] = (byte)(type | 26);
            BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)argument);
            return 5;
        }

        destination[0] = (byte)(type | 27);
        BinaryPrimitives.WriteUInt64BigEndian(destination[1..], argument);
        return 9;
    }

    private void WriteHeaderOnly(int major, ulong argument)
    {
        Span<byte> span = _output.GetSpan(MaxHeaderLength);
        _output.Advance(WriteHeader(span, major, argument));
    }

    private void WriteWithBody(int major, ReadOnlySpan<byte> body)
    {
        Span<byte> span = _output.GetSpan(MaxHeaderLength + body.Length);
        int headerLength = WriteHeader(span, major, (ulong)body.Length);
        body.CopyTo(span[headerLength..]);
        _output.Advance(headerLength + body.Length);
    }

    private void WriteByte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
    }
}
