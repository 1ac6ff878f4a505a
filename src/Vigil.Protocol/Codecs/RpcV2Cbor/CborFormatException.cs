using System.Diagnostics.CodeAnalysis;

namespace Vigil.Protocol.Codecs.RpcV2Cbor;

/// <summary>
/// Malformed or unsupported CBOR input. The reader throws nothing else for bad bytes: no
/// IndexOutOfRange, Overflow or OutOfMemory, so the gateway can map this one type to a
/// client error (SerializationException) and treat anything else as a server bug.
/// </summary>
public sealed class CborFormatException : FormatException
{
    public CborFormatException(string reason, int offset)
        : base(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Invalid CBOR at byte offset {offset}: {reason}"))
    {
        Reason = reason;
        Offset = offset;
    }

    /// <summary>The message without the offset, for error responses.</summary>
    public string Reason { get; }

    /// <summary>Offset of the first byte of the offending data item (or of the missing byte).</summary>
    public int Offset { get; }

    // Throw helpers keep the reader's hot methods small enough to inline (STYLE.md §9).
    [DoesNotReturn]
    internal static void Throw(string reason, int offset) => throw new CborFormatException(reason, offset);

    [DoesNotReturn]
    internal static void ThrowEndOfData(int offset) => throw new CborFormatException("unexpected end of data", offset);

    [DoesNotReturn]
    internal static void ThrowUnexpectedType(string expected, byte initialByte, int offset) =>
        throw new CborFormatException(
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"expected {expected} but found initial byte 0x{initialByte:x2}"),
            offset);
}
