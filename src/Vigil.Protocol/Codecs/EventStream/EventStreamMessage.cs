using System.Buffers;
using System.Buffers.Binary;

namespace Vigil.Protocol.Codecs.EventStream;

/// <summary>
/// The binary framing of <c>application/vnd.amazon.eventstream</c> (docs/formats/event-stream.md):
/// <code>
/// [total length u32][headers length u32][prelude CRC u32][headers][payload][message CRC u32]
/// </code>
/// all big-endian; the prelude CRC covers the first 8 bytes, the message CRC everything before it. Both are
/// CRC-32 (IEEE), as botocore's eventstream.py and @smithy/eventstream-codec check them. Stateless, thread-safe.
/// </summary>
public static class EventStreamMessage
{
    public const int PreludeLength = 12;
    public const int MessageCrcLength = 4;

    /// <summary>The limits botocore enforces when it reads (128 KiB of headers, 24 MiB of payload).</summary>
    public const int MaxHeadersLength = 128 * 1024;
    public const int MaxPayloadLength = 24 * 1024 * 1024;

    /// <summary>Frames one message into <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Write(IBufferWriter<byte> destination, ReadOnlySpan<EventStreamHeader> headers, ReadOnlySpan<byte> payload)
    {
        var headersLength = 0;
        foreach (var h in headers)
        {
            headersLength += h.EncodedLength;
        }
        if (headersLength > MaxHeadersLength)
        {
            throw new ArgumentException($"Event-stream headers take {headersLength} bytes; the limit is {MaxHeadersLength}.", nameof(headers));
        }
        if (payload.Length > MaxPayloadLength)
        {
            throw new ArgumentException($"Event-stream payload is {payload.Length} bytes; the limit is {MaxPayloadLength}.", nameof(payload));
        }
        var total = PreludeLength + headersLength + payload.Length + MessageCrcLength;
        var span = destination.GetSpan(total)[..total];

        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)total);
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], (uint)headersLength);
        BinaryPrimitives.WriteUInt32BigEndian(span[8..], Crc32.Compute(span[..8]));
        var at = PreludeLength;
        foreach (var h in headers)
        {
            at += h.Write(span[at..]);
        }
        payload.CopyTo(span[at..]);
        at += payload.Length;
        BinaryPrimitives.WriteUInt32BigEndian(span[at..], Crc32.Compute(span[..at]));
        destination.Advance(total);
        return total;
    }
}
