using System.Buffers;
using Vigil.Protocol.Codecs.RpcV2Cbor;

namespace Vigil.Protocol.Tests.Codecs.RpcV2Cbor;

public sealed class CborWriterTests
{
    public static TheoryData<long, string> Integers => new()
    {
        { 0, "00" }, { 23, "17" }, { 24, "1818" }, { 255, "18ff" }, { 256, "190100" }, { 65535, "19ffff" },
        { 65536, "1a00010000" }, { uint.MaxValue, "1affffffff" }, { 1L + uint.MaxValue, "1b0000000100000000" },
        { long.MaxValue, "1b7fffffffffffffff" }, { -1, "20" }, { -24, "37" }, { -25, "3818" }, { -1000, "3903e7" },
        { long.MinValue, "3b7fffffffffffffff" },
    };

    [Theory]
    [MemberData(nameof(Integers))]
    public void Integers_take_the_shortest_form(long value, string hex)
    {
        Encode(w => w.WriteInt64(value)).ShouldBe(hex);
    }

    [Fact]
    public void UInt64_beyond_int64()
    {
        Encode(w => w.WriteUInt64(ulong.MaxValue)).ShouldBe("1bffffffffffffffff");
    }

    public static TheoryData<double, string> ShortestDoubles => new()
    {
        { 0.0, "f90000" }, { -0.0, "f98000" }, { 1.0, "f93c00" }, { 1.5, "f93e00" }, { 65504.0, "f97bff" },
        { 100000.0, "fa47c35000" }, { 3.4028234663852886e+38, "fa7f7fffff" }, { 1.0e+300, "fb7e37e43c8800759c" },
        { 5.960464477539063e-8, "f90001" }, { 0.00006103515625, "f90400" }, { -4.0, "f9c400" },
        { -4.1, "fbc010666666666666" }, { 1.1, "fb3ff199999999999a" }, { double.PositiveInfinity, "f97c00" },
        { double.NaN, "f97e00" }, { double.NegativeInfinity, "f9fc00" },
    };

    [Theory]
    [MemberData(nameof(ShortestDoubles))]
    public void Shortest_doubles_match_appendix_A(double value, string hex)
    {
        Encode(w => w.WriteDoubleShortest(value)).ShouldBe(hex);
    }

    [Fact]
    public void Doubles_are_float64_by_default()
    {
        Encode(w => w.WriteDouble(1.0)).ShouldBe("fb3ff0000000000000");
        Encode(w => w.WriteDouble(10.5)).ShouldBe("fb4025000000000000");
    }

    [Fact]
    public void Strings_and_simple_values()
    {
        Encode(w => w.WriteTextString("")).ShouldBe("60");
        Encode(w => w.WriteTextString("IETF")).ShouldBe("6449455446");
        Encode(w => w.WriteTextString("\u00fc")).ShouldBe("62c3bc");
        Encode(w => w.WriteTextString("\u6c34")).ShouldBe("63e6b0b4");
        Encode(w => w.WriteTextString("\U00010151")).ShouldBe("64f0908591");
        Encode(w => w.WriteTextString("\ud800")).ShouldBe("63efbfbd");
        Encode(w => w.WriteTextString("__type"u8)).ShouldBe("665f5f74797065");
        Encode(w => w.WriteTextString(new string('a', 24))).ShouldStartWith("7818");
        Encode(w => w.WriteByteString([1, 2, 3, 4])).ShouldBe("4401020304");
        Encode(w => w.WriteBoolean(true)).ShouldBe("f5");
        Encode(w => w.WriteBoolean(false)).ShouldBe("f4");
        Encode(w => w.WriteNull()).ShouldBe("f6");
        Encode(w => w.WriteTag(32)).ShouldBe("d820");
        Encode(w => w.WriteStartArray(25)).ShouldBe("9819");
        Encode(w => w.WriteStartMap(2)).ShouldBe("a2");
    }

    [Fact]
    public void Long_strings_round_trip()
    {
        string text = new('\u00e9', 100_000);
        byte[] bytes = EncodeBytes(w => w.WriteTextString(text));
        new CborReader(bytes).ReadTextString().ShouldBe(text);
    }

    [Fact]
    public void Negative_counts_are_caller_bugs()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => Encode(w => w.WriteStartArray(-1)));
        Should.Throw<ArgumentOutOfRangeException>(() => Encode(w => w.WriteStartMap(-1)));
    }

    public static TheoryData<string, string> Timestamps => new()
    {
        { "2013-03-21T20:04:00Z", "c11a514b67b0" },
        { "2013-03-21T20:04:00.5Z", "c1fb41d452d9ec200000" },
        { "2024-05-01T12:00:00.5Z", "c1fb41d98c8bb0200000" },
        { "1970-01-01T00:00:00Z", "c100" },
        { "1969-12-31T23:59:59Z", "c120" },
        { "1969-12-31T23:59:58.5Z", "c1fbbff8000000000000" },
    };

    [Theory]
    [MemberData(nameof(Timestamps))]
    public void Epoch_timestamps_are_tag_1_with_int_or_float64(string iso, string hex)
    {
        DateTimeOffset value = DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);
        Encode(w => w.WriteEpochTimestamp(value)).ShouldBe(hex);
    }

    [Fact]
    public void Protocol_notes_success_body_is_reproduced_byte_for_byte()
    {
        // protocol-notes §3.4: {"MetricDataResults":[{"Id":"e1","Timestamps":[1(1714521600)],"Values":[10.5],"StatusCode":"Complete"}],"Messages":[]}
        string hex = Encode(w =>
        {
            w.WriteStartMap(2);
            w.WriteTextString("MetricDataResults");
            w.WriteStartArray(1);
            w.WriteStartMap(4);
            w.WriteTextString("Id");
            w.WriteTextString("e1");
            w.WriteTextString("Timestamps");
            w.WriteStartArray(1);
            w.WriteEpochTimestamp(DateTimeOffset.FromUnixTimeSeconds(1714521600));
            w.WriteTextString("Values");
            w.WriteStartArray(1);
            w.WriteDouble(10.5);
            w.WriteTextString("StatusCode");
            w.WriteTextString("Complete");
            w.WriteTextString("Messages");
            w.WriteStartArray(0);
        });
        hex.ShouldBe(ProtocolNotesExamples.SuccessBody);
    }

    [Fact]
    public void Protocol_notes_error_body_is_reproduced_byte_for_byte()
    {
        string hex = Encode(w =>
        {
            w.WriteStartMap(2);
            w.WriteTextString("__type"u8);
            w.WriteTextString("com.amazonaws.cloudwatch#ResourceNotFound");
            w.WriteTextString("message"u8);
            w.WriteTextString("Dashboard main does not exist");
        });
        hex.ShouldBe(ProtocolNotesExamples.ErrorBody);
    }

    internal static string Encode(Action<CborWriter> write) => Convert.ToHexStringLower(EncodeBytes(write));

    internal static byte[] EncodeBytes(Action<CborWriter> write)
    {
        ArrayBufferWriter<byte> output = new();
        write(new CborWriter(output));
        return output.WrittenSpan.ToArray();
    }
}
