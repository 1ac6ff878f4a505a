using System.Buffers;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Protocol.Codecs.EventStream;

namespace Vigil.Protocol.Tests.Codecs.EventStream;

/// <summary>The event-stream framing: known vectors, CRCs, every header type, and encode→decode round trips.</summary>
public sealed class EventStreamFramingTests
{
    [Fact]
    public void Crc32_is_the_ieee_zlib_crc_not_crc32c()
    {
        Crc32.Compute("123456789"u8).ShouldBe(0xCBF43926u);
        Crc32.Compute([]).ShouldBe(0u);
        // Continuing a CRC over a second part equals the CRC of the whole, as zlib's crc32(crc, buf).
        Crc32.Compute("56789"u8, Crc32.Compute("1234"u8)).ShouldBe(0xCBF43926u);
    }

    [Fact]
    public void Empty_message_matches_the_smithy_test_vector()
    {
        var buffer = new ArrayBufferWriter<byte>();
        EventStreamMessage.Write(buffer, [], []).ShouldBe(16);
        Convert.ToBase64String(buffer.WrittenSpan).ShouldBe("AAAAEAAAAAAFwkjrfZjI/w==");
    }

    [Fact]
    public void String_header_and_payload_are_laid_out_as_documented()
    {
        var buffer = new ArrayBufferWriter<byte>();
        EventStreamMessage.Write(buffer, [EventStreamHeader.String(":event-type", "hello")], "{\"a\":1}"u8);
        // Computed independently with Python's struct and zlib.crc32.
        Convert.ToHexStringLower(buffer.WrittenSpan).ShouldBe(
            "0000002b00000014c9e915010b3a6576656e742d7479706507000568656c6c6f7b2261223a317d9e39a5e2");
    }

    [Fact]
    public void Every_header_type_round_trips()
    {
        var uuid = Guid.Parse("01020304-0506-0708-090a-0b0c0d0e0f10");
        EventStreamHeader[] headers =
        [
            EventStreamHeader.Bool("t", true), EventStreamHeader.Bool("f", false), EventStreamHeader.Byte("b", -7),
            EventStreamHeader.Short("s", -300), EventStreamHeader.Integer("i", int.MinValue), EventStreamHeader.Long("l", long.MaxValue),
            EventStreamHeader.ByteArray("ba", new byte[] { 0, 255, 1 }), EventStreamHeader.String("str", "héllo"),
            EventStreamHeader.Timestamp("ts", DateTimeOffset.FromUnixTimeMilliseconds(1714564800123)), EventStreamHeader.Uuid("u", uuid),
        ];
        var buffer = new ArrayBufferWriter<byte>();
        EventStreamMessage.Write(buffer, headers, "x"u8);
        var decoded = EventStreamDecoder.Decode(buffer.WrittenSpan, out var used);
        used.ShouldBe(buffer.WrittenCount);
        decoded.Headers.Count.ShouldBe(headers.Length);
        for (var i = 0; i < headers.Length; i++)
        {
            decoded.Headers[i].Name.ShouldBe(headers[i].Name);
            decoded.Headers[i].Type.ShouldBe(headers[i].Type);
            decoded.Headers[i].Number.ShouldBe(headers[i].Number);
            decoded.Headers[i].Bytes.ToArray().ShouldBe(headers[i].Bytes.ToArray());
        }
        Convert.ToHexStringLower(decoded.Headers[^1].Bytes.Span).ShouldBe("0102030405060708090a0b0c0d0e0f10");
    }

    [Fact]
    public void Oversized_or_empty_names_and_values_are_refused()
    {
        var buffer = new ArrayBufferWriter<byte>();
        Should.Throw<ArgumentException>(() => EventStreamMessage.Write(buffer, [EventStreamHeader.String(new string('n', 256), "v")], []));
        Should.Throw<ArgumentException>(() => EventStreamMessage.Write(buffer, [EventStreamHeader.String("", "v")], []));
        Should.Throw<ArgumentException>(() => EventStreamMessage.Write(buffer, [EventStreamHeader.ByteArray("n", new byte[EventStreamHeader.MaxValueBytes + 1])], []));
    }

    [Fact]
    public void Random_messages_round_trip_and_any_flipped_bit_fails_a_crc()
    {
        var property = Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue - 1)), seed =>
        {
            var random = new Random(seed);
            var headers = RandomHeaders(random);
            var payload = new byte[random.Next(0, 2000)];
            random.NextBytes(payload);
            var buffer = new ArrayBufferWriter<byte>();
            var written = EventStreamMessage.Write(buffer, headers, payload);
            written.ShouldBe(buffer.WrittenCount);

            var decoded = EventStreamDecoder.Decode(buffer.WrittenSpan, out _);
            decoded.Payload.ShouldBe(payload);
            decoded.Headers.Select(h => (h.Name, h.Type, h.Number, Convert.ToHexString(h.Bytes.Span)))
                .ShouldBe(headers.Select(h => (h.Name, h.Type, h.Number, Convert.ToHexString(h.Bytes.Span))));

            var corrupt = buffer.WrittenSpan.ToArray();
            var bit = random.Next(corrupt.Length * 8);
            corrupt[bit / 8] ^= (byte)(1 << (bit % 8));
            Should.Throw<FormatException>(() => EventStreamDecoder.Decode(corrupt, out _));
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), property);
    }

    [Fact]
    public void Messages_written_back_to_back_decode_as_a_sequence()
    {
        var buffer = new ArrayBufferWriter<byte>();
        for (var i = 0; i < 5; i++)
        {
            EventStreamMessage.Write(buffer, [EventStreamHeader.Integer("n", i)], Encoding.UTF8.GetBytes($"payload {i}"));
        }
        var messages = EventStreamDecoder.DecodeAll(buffer.WrittenSpan);
        messages.Select(m => m.PayloadText).ShouldBe(Enumerable.Range(0, 5).Select(i => $"payload {i}"));
    }

    private static EventStreamHeader[] RandomHeaders(Random random)
    {
        var headers = new EventStreamHeader[random.Next(0, 8)];
        for (var i = 0; i < headers.Length; i++)
        {
            var name = $"h{i}-" + new string((char)random.Next('a', 'z' + 1), random.Next(0, 40));
            headers[i] = (EventStreamHeaderType)random.Next(0, 10) switch
            {
                EventStreamHeaderType.BoolTrue or EventStreamHeaderType.BoolFalse => EventStreamHeader.Bool(name, random.Next(2) == 0),
                EventStreamHeaderType.Byte => EventStreamHeader.Byte(name, (sbyte)random.Next(-128, 128)),
                EventStreamHeaderType.Short => EventStreamHeader.Short(name, (short)random.Next(short.MinValue, short.MaxValue + 1)),
                EventStreamHeaderType.Integer => EventStreamHeader.Integer(name, random.Next(int.MinValue, int.MaxValue)),
                EventStreamHeaderType.Long => EventStreamHeader.Long(name, random.NextInt64(long.MinValue, long.MaxValue)),
                EventStreamHeaderType.ByteArray => EventStreamHeader.ByteArray(name, RandomBytes(random, random.Next(0, 300))),
                EventStreamHeaderType.String => EventStreamHeader.String(name, new string((char)random.Next(0x20, 0x2FF), random.Next(0, 100))),
                EventStreamHeaderType.Timestamp => EventStreamHeader.Timestamp(name, DateTimeOffset.FromUnixTimeMilliseconds(random.NextInt64(0, 4102444800000))),
                _ => EventStreamHeader.Uuid(name, new Guid(RandomBytes(random, 16))),
            };
        }
        return headers;
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
