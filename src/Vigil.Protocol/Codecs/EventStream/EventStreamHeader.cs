using System.Buffers.Binary;
using System.Text;

namespace Vigil.Protocol.Codecs.EventStream;

/// <summary>The value types of an event-stream header, with their one-byte wire tags (docs/formats/event-stream.md).</summary>
public enum EventStreamHeaderType : byte
{
    BoolTrue = 0,
    BoolFalse = 1,
    Byte = 2,
    Short = 3,
    Integer = 4,
    Long = 5,
    ByteArray = 6,
    String = 7,
    /// <summary>Epoch milliseconds as a signed 64-bit integer.</summary>
    Timestamp = 8,
    Uuid = 9,
}

/// <summary>
/// One header of an event-stream message. Numbers (and timestamps in epoch milliseconds) live in
/// <see cref="Number"/>; byte arrays, strings (UTF-8) and UUIDs (16 bytes, network order) in <see cref="Bytes"/>.
/// </summary>
public readonly record struct EventStreamHeader(string Name, EventStreamHeaderType Type, long Number, ReadOnlyMemory<byte> Bytes)
{
    /// <summary>Strings and byte arrays carry a 16-bit length; the spec caps them at 2^15 - 1 bytes.</summary>
    public const int MaxValueBytes = short.MaxValue;

    public static EventStreamHeader String(string name, string value) => new(name, EventStreamHeaderType.String, 0, Encoding.UTF8.GetBytes(value));
    public static EventStreamHeader ByteArray(string name, ReadOnlyMemory<byte> value) => new(name, EventStreamHeaderType.ByteArray, 0, value);
    public static EventStreamHeader Bool(string name, bool value) => new(name, value ? EventStreamHeaderType.BoolTrue : EventStreamHeaderType.BoolFalse, 0, default);
    public static EventStreamHeader Byte(string name, sbyte value) => new(name, EventStreamHeaderType.Byte, value, default);
    public static EventStreamHeader Short(string name, short value) => new(name, EventStreamHeaderType.Short, value, default);
    public static EventStreamHeader Integer(string name, int value) => new(name, EventStreamHeaderType.Integer, value, default);
    public static EventStreamHeader Long(string name, long value) => new(name, EventStreamHeaderType.Long, value, default);
    public static EventStreamHeader Timestamp(string name, DateTimeOffset value) => new(name, EventStreamHeaderType.Timestamp, value.ToUnixTimeMilliseconds(), default);

    public static EventStreamHeader Uuid(string name, Guid value)
    {
        var bytes = new byte[16];
        value.TryWriteBytes(bytes, bigEndian: true, out _);
        return new(name, EventStreamHeaderType.Uuid, 0, bytes);
    }

    /// <summary>The string value (UTF-8 decoded) of a String header.</summary>
    public string StringValue => Encoding.UTF8.GetString(Bytes.Span);

    /// <summary>Bytes this header takes on the wire: name length, name, type tag, value.</summary>
    public int EncodedLength => 1 + Encoding.UTF8.GetByteCount(Name) + 1 + ValueLength;

    private int ValueLength => Type switch
    {
        EventStreamHeaderType.BoolTrue or EventStreamHeaderType.BoolFalse => 0,
        EventStreamHeaderType.Byte => 1,
        EventStreamHeaderType.Short => 2,
        EventStreamHeaderType.Integer => 4,
        EventStreamHeaderType.Long or EventStreamHeaderType.Timestamp => 8,
        EventStreamHeaderType.ByteArray or EventStreamHeaderType.String => 2 + Bytes.Length,
        EventStreamHeaderType.Uuid => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(Type), Type, "Unknown event-stream header type."),
    };

    /// <summary>Writes the header into <paramref name="destination"/> and returns the bytes written.</summary>
    internal int Write(Span<byte> destination)
    {
        var nameLength = Encoding.UTF8.GetBytes(Name, destination[1..]);
        if (nameLength is 0 or > byte.MaxValue)
        {
            throw new ArgumentException($"Event-stream header names are 1 to 255 UTF-8 bytes; '{Name}' is {nameLength}.");
        }
        destination[0] = (byte)nameLength;
        var at = 1 + nameLength;
        destination[at++] = (byte)Type;
        var value = destination[at..];
        switch (Type)
        {
            case EventStreamHeaderType.BoolTrue or EventStreamHeaderType.BoolFalse:
                break;
            case EventStreamHeaderType.Byte:
                value[0] = (byte)(sbyte)Number;
                break;
            case EventStreamHeaderType.Short:
                BinaryPrimitives.WriteInt16BigEndian(value, (short)Number);
                break;
            case EventStreamHeaderType.Integer:
                BinaryPrimitives.WriteInt32BigEndian(value, (int)Number);
                break;
            case EventStreamHeaderType.Long or EventStreamHeaderType.Timestamp:
                BinaryPrimitives.WriteInt64BigEndian(value, Number);
                break;
            case EventStreamHeaderType.ByteArray or EventStreamHeaderType.String:
                if (Bytes.Length > MaxValueBytes)
                {
                    throw new ArgumentException($"Event-stream header '{Name}' has a {Bytes.Length}-byte value; the limit is {MaxValueBytes}.");
                }
                BinaryPrimitives.WriteUInt16BigEndian(value, (ushort)Bytes.Length);
                Bytes.Span.CopyTo(value[2..]);
                break;
            case EventStreamHeaderType.Uuid:
                if (Bytes.Length != 16)
                {
                    throw new ArgumentException($"Event-stream UUID header '{Name}' must be 16 bytes.");
                }
                Bytes.Span.CopyTo(value);
                break;
            default:
                throw new InvalidOperationException($"Unknown event-stream header type {Type}.");
        }
        return at + ValueLength;
    }
}
