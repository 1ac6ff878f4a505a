using System.Buffers.Binary;
using System.Text;
using Vigil.Protocol.Codecs.EventStream;

namespace Vigil.Protocol.Tests.Codecs.EventStream;

/// <summary>One decoded message: headers by name and the payload.</summary>
public sealed record DecodedMessage(IReadOnlyList<EventStreamHeader> Headers, byte[] Payload)
{
    public string Header(string name) => Headers.Single(h => h.Name == name).StringValue;
    public string PayloadText => Encoding.UTF8.GetString(Payload);
}

/// <summary>
/// A decoder written for the tests from the format description, as botocore's eventstream.py reads messages: it
/// checks both CRCs (with a bit-at-a-time CRC-32, not the production table), the lengths and every header type.
/// Throws <see cref="FormatException"/> on anything malformed.
/// </summary>
public static class EventStreamDecoder
{
    public static List<DecodedMessage> DecodeAll(ReadOnlySpan<byte> data)
    {
        var messages = new List<DecodedMessage>();
        while (data.Length > 0)
        {
            messages.Add(Decode(data, out var used));
            data = data[used..];
        }
        return messages;
    }

    public static DecodedMessage Decode(ReadOnlySpan<byte> data, out int consumed)
    {
        if (data.Length < 16)
        {
            throw new FormatException("shorter than a prelude and message CRC");
        }
        var total = BinaryPrimitives.ReadUInt32BigEndian(data);
        var headersLength = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        if (BinaryPrimitives.ReadUInt32BigEndian(data[8..]) != SlowCrc32(data[..8]))
        {
            throw new FormatException("prelude CRC mismatch");
        }
        if (total < 16 || total > data.Length || headersLength > total - 16)
        {
            throw new FormatException("lengths out of range");
        }
        var message = data[..(int)total];
        if (BinaryPrimitives.ReadUInt32BigEndian(message[^4..]) != SlowCrc32(message[..^4]))
        {
            throw new FormatException("message CRC mismatch");
        }
        var headers = ReadHeaders(message.Slice(12, (int)headersLength));
        consumed = (int)total;
        return new DecodedMessage(headers, message[(12 + (int)headersLength)..^4].ToArray());
    }

    private static List<EventStreamHeader> ReadHeaders(ReadOnlySpan<byte> data)
    {
        var headers = new List<EventStreamHeader>();
        while (data.Length > 0)
        {
            int nameLength = data[0];
            var name = Encoding.UTF8.GetString(data.Slice(1, nameLength));
            var type = (EventStreamHeaderType)data[1 + nameLength];
            data = data[(2 + nameLength)..];
            int size;
            EventStreamHeader header;
            switch (type)
            {
                case EventStreamHeaderType.BoolTrue or EventStreamHeaderType.BoolFalse:
                    size = 0;
                    header = EventStreamHeader.Bool(name, type == EventStreamHeaderType.BoolTrue);
                    break;
                case EventStreamHeaderType.Byte:
                    size = 1;
                    header = EventStreamHeader.Byte(name, (sbyte)data[0]);
                    break;
                case EventStreamHeaderType.Short:
                    size = 2;
                    header = EventStreamHeader.Short(name, BinaryPrimitives.ReadInt16BigEndian(data));
                    break;
                case EventStreamHeaderType.Integer:
                    size = 4;
                    header = EventStreamHeader.Integer(name, BinaryPrimitives.ReadInt32BigEndian(data));
                    break;
                case EventStreamHeaderType.Long or EventStreamHeaderType.Timestamp:
                    size = 8;
                    header = new EventStreamHeader(name, type, BinaryPrimitives.ReadInt64BigEndian(data), default);
                    break;
                case EventStreamHeaderType.ByteArray or EventStreamHeaderType.String:
                    size = 2 + BinaryPrimitives.ReadUInt16BigEndian(data);
                    header = new EventStreamHeader(name, type, 0, data[2..size].ToArray());
                    break;
                case EventStreamHeaderType.Uuid:
                    size = 16;
                    header = new EventStreamHeader(name, type, 0, data[..16].ToArray());
                    break;
                default:
                    throw new FormatException($"unknown header type {(byte)type}");
            }
            headers.Add(header);
            data = data[size..];
        }
        return headers;
    }

    /// <summary>Bit-at-a-time CRC-32 (IEEE, reflected), independent of the production table.</summary>
    public static uint SlowCrc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }
        return ~crc;
    }
}
