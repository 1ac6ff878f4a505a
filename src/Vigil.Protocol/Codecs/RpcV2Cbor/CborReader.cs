using System.Buffers.Binary;

namespace Vigil.Protocol.Codecs.RpcV2Cbor;

/// <summary>
/// Pull reader over one CBOR buffer (RFC 8949). Not thread-safe; lives on the stack of one
/// request. Every malformed input surfaces as <see cref="CborFormatException"/> with the offset.
/// </summary>
/// <remarks>
/// Containers: <see cref="ReadStartArray"/>/<see cref="ReadStartMap"/> return the item (pair)
/// count, or -1 for indefinite length. For definite containers the caller reads exactly that
/// many items; for indefinite ones it loops <c>while (!reader.TryReadBreak())</c>. Either way it
/// then calls <see cref="ReadEndArray"/>/<see cref="ReadEndMap"/>, which consumes a break the
/// loop has not. The reader does not count items in definite containers (the shape walker does);
/// it does bound every announced count by the bytes left, so a hostile count cannot make a
/// caller loop or allocate more than the input size.
/// Non-minimal encodings (e.g. 0x1800 for 0) are accepted, as RFC 8949 §5.1 allows decoders to.
/// </remarks>
public ref partial struct CborReader
{
    /// <summary>Deepest nesting accepted; the depth bitmask below holds at most 64 levels.</summary>
    public const int DefaultMaxDepth = 64;

    private readonly ReadOnlySpan<byte> _data;
    private readonly int _maxDepth;
    private int _pos;
    private int _depth;

    // Bit (d - 1) is set while the container opened at depth d is indefinite and its break is
    // still unread. One ulong instead of a stack keeps the reader a plain value type.
    private ulong _pendingBreaks;

    public CborReader(ReadOnlySpan<byte> data, int maxDepth = DefaultMaxDepth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDepth, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDepth, 64);
        _data = data;
        _maxDepth = maxDepth;
    }

    public readonly int BytesConsumed => _pos;

    public readonly int BytesRemaining => _data.Length - _pos;

    /// <summary>Number of containers opened and not yet ended.</summary>
    public readonly int Depth => _depth;

    public readonly CborType PeekType()
    {
        if (_pos >= _data.Length)
        {
            CborFormatException.ThrowEndOfData(_pos);
        }

        byte initial = _data[_pos];
        switch (initial >> 5)
        {
            case 0: return CborType.UnsignedInteger;
            case 1: return CborType.NegativeInteger;
            case 2: return CborType.ByteString;
            case 3: return CborType.TextString;
            case 4: return CborType.Array;
            case 5: return CborType.Map;
            case 6: return CborType.Tag;
        }

        switch (initial & 0x1f)
        {
            case 20 or 21: return CborType.Boolean;
            case 22: return CborType.Null;
            case 23: return CborType.Undefined;
            case 25 or 26 or 27: return CborType.Float;
            case 31: return CborType.Break;
            case 28 or 29 or 30:
                CborFormatException.Throw("reserved additional information in major type 7", _pos);
                return default;
            default: return CborType.SimpleValue;
        }
    }

    public ulong ReadUInt64()
    {
        int start = _pos;
        byte initial = ReadInitialByte();
        if (initial >> 5 != 0)
        {
            CborFormatException.ThrowUnexpectedType("unsigned integer", initial, start);
        }

        return ReadArgument(initial, start);
    }

    /// <summary>Reads major type 0 or 1; values outside the Int64 range are rejected, not wrapped.</summary>
    public long ReadInt64()
    {
        int start = _pos;
        byte initial = ReadInitialByte();
        int major = initial >> 5;
        if (major > 1)
        {
            CborFormatException.ThrowUnexpectedType("integer", initial, start);
        }

        ulong argument = ReadArgument(initial, start);
        if (argument > long.MaxValue)
        {
            CborFormatException.Throw("integer does not fit in 64 bits", start);
        }

        // Major 1 encodes -1 - n.
        return major == 0 ? (long)argument : -1 - (long)argument;
    }

    public int ReadInt32()
    {
        int start = _pos;
        long value = ReadInt64();
        if (value is < int.MinValue or > int.MaxValue)
        {
            CborFormatException.Throw("integer does not fit in 32 bits", start);
        }

        return (int)value;
    }

    /// <summary>
    /// Reads float16/32/64 or an integer: the JS SDK writes whole doubles as CBOR integers
    /// (protocol-notes §3.4), so every double member must take both.
    /// </summary>
    public double ReadDouble()
    {
        int start = _pos;
        byte initial = ReadInitialByte();
        switch (initial)
        {
            case 0xf9: return (double)BinaryPrimitives.ReadHalfBigEndian(Take(2, start));
            case 0xfa: return BinaryPrimitives.ReadSingleBigEndian(Take(4, start));
            case 0xfb: return BinaryPrimitives.ReadDoubleBigEndian(Take(8, start));
        }

        int major = initial >> 5;
        if (major > 1)
        {
            CborFormatException.ThrowUnexpectedType("number", initial, start);
        }

        ulong argument = ReadArgument(initial, start);
        return major == 0 ? argument : -1.0 - argument;
    }

    public bool ReadBoolean()
    {
        int start = _pos;
        byte initial = ReadInitialByte();
        if (initial is not (0xf4 or 0xf5))
        {
            CborFormatException.ThrowUnexpectedType("boolean", initial, start);
        }

        return initial == 0xf5;
    }

    public void ReadNull()
    {
        int start = _pos;
        byte initial = ReadInitialByte();
        if (initial != 0xf6)
        {
            CborFormatException.ThrowUnexpectedType("null", initial, start);
        }
    }

    /// <summary>Consumes a null if one is next; otherwise leaves the reader where it was.</summary>
    public bool TryReadNull()
    {
        if (_pos < _data.Length && _data[_pos] == 0xf6)
        {
            _pos++;
            return true;
        }

        return false;
    }

    /// <summary>Reads any simple value (false, true, null and undefined are 20..23).</summary>
    public byte ReadSimpleValue()
    {
        int start = _pos;
        byte initial = ReadInitialByte();
        int info = initial & 0x1f;
        if (initial >> 5 != 7 || info > 24)
        {
            CborFormatException.ThrowUnexpectedType("simple value", initial, start);
        }

        if (info < 24)
        {
            return (byte)info;
        }

        byte value = Take(1, start)[0];
        if (value < 32)
        {
            // RFC 8949 §3.3: the two-byte form of a value below 32 is not well-formed.
            CborFormatException.Throw("two-byte simple value below 32", start);
        }

        return value;
    }

    public ulong ReadTag()
    {
        int start = _pos;
        byte initial = ReadInitialByte();
        if (initial >> 5 != 6)
        {
            CborFormatException.ThrowUnexpectedType("tag", initial, start);
        }

        return ReadArgument(initial, start);
    }

    public int ReadStartArray() => ReadStartContainer(4, bytesPerItem: 1);

    /// <summary>Returns the number of key/value pairs, or -1 for an indefinite-length map.</summary>
    public int ReadStartMap() => ReadStartContainer(5, bytesPerItem: 2);

    public void ReadEndArray() => ReadEndContainer();

    public void ReadEndMap() => ReadEndContainer();

    /// <summary>
    /// Consumes the break that ends the innermost indefinite-length container, if it is next.
    /// A break anywhere else is malformed and throws.
    /// </summary>
    public bool TryReadBreak()
    {
        if (_pos >= _data.Length || _data[_pos] != 0xff)
        {
            return false;
        }

        ulong bit = _depth == 0 ? 0 : 1UL << (_depth - 1);
        if ((_pendingBreaks & bit) == 0)
        {
            CborFormatException.Throw("break outside an indefinite-length container", _pos);
        }

        _pendingBreaks &= ~bit;
        _pos++;
        return true;
    }

    private int ReadStartContainer(int major, int bytesPerItem)
    {
        int start = _pos;
        byte initial = ReadInitialByte();
        if (initial >> 5 != major)
        {
            CborFormatException.ThrowUnexpectedType(major == 4 ? "array" : "map", initial, start);
        }

        if (_depth >= _maxDepth)
        {
            ThrowTooDeep(start);
        }

        ulong bit = 1UL << _depth;
        int count;
        if ((initial & 0x1f) == 31)
        {
            _pendingBreaks |= bit;
            count = -1;
        }
        else
        {
            count = CheckCount(ReadArgument(initial, start), bytesPerItem, start);
            _pendingBreaks &= ~bit;
        }

        _depth++;
        return count;
    }

    private void ReadEndContainer()
    {
        if (_depth == 0)
        {
            throw new InvalidOperationException("No open CBOR container to end.");
        }

        ulong bit = 1UL << (_depth - 1);
        if ((_pendingBreaks & bit) != 0)
        {
            if (_pos >= _data.Length || _data[_pos] != 0xff)
            {
                CborFormatException.Throw("expected break at the end of an indefinite-length container", _pos);
            }

            _pos++;
            _pendingBreaks &= ~bit;
        }

        _depth--;
    }

    /// <summary>True when the next byte is a break; throws at end of data (the break is missing).</summary>
    private readonly bool AtBreak()
    {
        if (_pos >= _data.Length)
        {
            CborFormatException.ThrowEndOfData(_pos);
        }

        return _data[_pos] == 0xff;
    }

    private byte ReadInitialByte()
    {
        if (_pos >= _data.Length)
        {
            CborFormatException.ThrowEndOfData(_pos);
        }

        return _data[_pos++];
    }

    /// <summary>Decodes the argument that follows the initial byte; indefinite (31) is not allowed here.</summary>
    private ulong ReadArgument(byte initial, int start)
    {
        int info = initial & 0x1f;
        switch (info)
        {
            case < 24: return (ulong)info;
            case 24: return Take(1, start)[0];
            case 25: return BinaryPrimitives.ReadUInt16BigEndian(Take(2, start));
            case 26: return BinaryPrimitives.ReadUInt32BigEndian(Take(4, start));
            case 27: return BinaryPrimitives.ReadUInt64BigEndian(Take(8, start));
            case 31:
                CborFormatException.Throw("indefinite length is not allowed for this major type", start);
                return 0;
            default:
                CborFormatException.Throw("reserved additional information (28-30)", start);
                return 0;
        }
    }

    private ReadOnlySpan<byte> ReadDefiniteBody(byte initial, int start)
    {
        ulong length = ReadArgument(initial, start);
        if (length > (ulong)(_data.Length - _pos))
        {
            // Checked before any allocation: a 0x5b ffffffffffffffff header costs nothing.
            CborFormatException.Throw("string length exceeds the remaining input", start);
        }

        return Take((int)length, start);
    }

    private ReadOnlySpan<byte> Take(int count, int start)
    {
        if (count > _data.Length - _pos)
        {
            CborFormatException.ThrowEndOfData(start);
        }

        ReadOnlySpan<byte> slice = _data.Slice(_pos, count);
        _pos += count;
        return slice;
    }

    /// <summary>Every item takes at least one byte, so a count above the bytes left is a lie.</summary>
    private readonly int CheckCount(ulong count, int bytesPerItem, int start)
    {
        if (count > (ulong)((_data.Length - _pos) / bytesPerItem))
        {
            CborFormatException.Throw("container length exceeds the remaining input", start);
        }

        return (int)count;
    }

    private readonly void ThrowTooDeep(int start) =>
        CborFormatException.Throw(
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"nesting deeper than {_maxDepth} levels"),
            start);
}
