using Vigil.Protocol.Codecs.RpcV2Cbor;

namespace Vigil.Protocol.Tests.Codecs.RpcV2Cbor;

/// <summary>Decoding RFC 8949 Appendix A, type handling and malformed-input rejection.</summary>
public sealed class CborReaderTests
{
    public static TheoryData<string, long> AppendixAIntegers => new()
    {
        { "00", 0 }, { "01", 1 }, { "0a", 10 }, { "17", 23 }, { "1818", 24 }, { "1819", 25 }, { "1864", 100 },
        { "1903e8", 1000 }, { "1a000f4240", 1000000 }, { "1b000000e8d4a51000", 1000000000000 },
        { "20", -1 }, { "29", -10 }, { "3863", -100 }, { "3903e7", -1000 },
    };

    [Theory]
    [MemberData(nameof(AppendixAIntegers))]
    public void Appendix_A_integers_decode(string hex, long expected)
    {
        CborReader reader = new(CborDiagnostic.Hex(hex));
        reader.ReadInt64().ShouldBe(expected);
        reader.BytesRemaining.ShouldBe(0);

        // Every double member must also take an integer (the JS SDK sends whole doubles that way).
        new CborReader(CborDiagnostic.Hex(hex)).ReadDouble().ShouldBe(expected);
    }

    [Fact]
    public void Appendix_A_integers_beyond_int64()
    {
        new CborReader(CborDiagnostic.Hex("1bffffffffffffffff")).ReadUInt64().ShouldBe(ulong.MaxValue);
        ShouldThrowFormat(() => new CborReader(CborDiagnostic.Hex("1bffffffffffffffff")).ReadInt64());
        ShouldThrowFormat(() => new CborReader(CborDiagnostic.Hex("3bffffffffffffffff")).ReadInt64());
        new CborReader(CborDiagnostic.Hex("3bffffffffffffffff")).ReadDouble().ShouldBe(-18446744073709551616.0);
        ShouldThrowFormat(() => new CborReader(CborDiagnostic.Hex("20")).ReadUInt64());
        ShouldThrowFormat(() => new CborReader(CborDiagnostic.Hex("1a80000000")).ReadInt32());
    }

    public static TheoryData<string, double> AppendixAFloats => new()
    {
        { "f90000", 0.0 }, { "f98000", -0.0 }, { "f93c00", 1.0 }, { "fb3ff199999999999a", 1.1 }, { "f93e00", 1.5 },
        { "f97bff", 65504.0 }, { "fa47c35000", 100000.0 }, { "fa7f7fffff", 3.4028234663852886e+38 },
        { "fb7e37e43c8800759c", 1.0e+300 }, { "f90001", 5.960464477539063e-8 }, { "f90400", 0.00006103515625 },
        { "f9c400", -4.0 }, { "fbc010666666666666", -4.1 },
        { "f97c00", double.PositiveInfinity }, { "f97e00", double.NaN }, { "f9fc00", double.NegativeInfinity },
        { "fa7f800000", double.PositiveInfinity }, { "fa7fc00000", double.NaN }, { "faff800000", double.NegativeInfinity },
        { "fb7ff0000000000000", double.PositiveInfinity }, { "fb7ff8000000000000", double.NaN },
        { "fbfff0000000000000", double.NegativeInfinity },
    };

    [Theory]
    [MemberData(nameof(AppendixAFloats))]
    public void Appendix_A_floats_decode(string hex, double expected)
    {
        CborReader reader = new(CborDiagnostic.Hex(hex));
        reader.PeekType().ShouldBe(CborType.Float);
        double value = reader.ReadDouble();
        reader.BytesRemaining.ShouldBe(0);
        if (double.IsNaN(expected))
        {
            double.IsNaN(value).ShouldBeTrue();
        }
        else
        {
            // Bitwise, so -0.0 is told apart from 0.0.
            BitConverter.DoubleToInt64Bits(value).ShouldBe(BitConverter.DoubleToInt64Bits(expected));
        }
    }

    public static TheoryData<string, string> AppendixAItems => new()
    {
        { "c249010000000000000000", "2(h'010000000000000000')" },
        { "c349010000000000000000", "3(h'010000000000000000')" },
        { "f4", "false" }, { "f5", "true" }, { "f6", "null" }, { "f7", "undefined" },
        { "f0", "simple(16)" }, { "f8ff", "simple(255)" },
        { "c074323031332d30332d32315432303a30343a30305a", "0(\"2013-03-21T20:04:00Z\")" },
        { "c11a514b67b0", "1(1363896240)" }, { "c1fb41d452d9ec200000", "1(1363896240.5)" },
        { "d74401020304", "23(h'01020304')" }, { "d818456449455446", "24(h'6449455446')" },
        { "d82076687474703a2f2f7777772e6578616d706c652e636f6d", "32(\"http://www.example.com\")" },
        { "40", "h''" }, { "4401020304", "h'01020304'" },
        { "60", "\"\"" }, { "6161", "\"a\"" }, { "6449455446", "\"IETF\"" }, { "62225c", "\"\\\"\\\\\"" },
        { "62c3bc", "\"\u00fc\"" }, { "63e6b0b4", "\"\u6c34\"" }, { "64f0908591", "\"\U00010151\"" },
        { "80", "[]" }, { "83010203", "[1, 2, 3]" }, { "8301820203820405", "[1, [2, 3], [4, 5]]" },
        {
            "98190102030405060708090a0b0c0d0e0f101112131415161718181819",
            "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]"
        },
        { "a0", "{}" }, { "a201020304", "{1: 2, 3: 4}" }, { "a26161016162820203", "{\"a\": 1, \"b\": [2, 3]}" },
        { "826161a161626163", "[\"a\", {\"b\": \"c\"}]" },
        { "a56161614161626142616361436164614461656145", "{\"a\": \"A\", \"b\": \"B\", \"c\": \"C\", \"d\": \"D\", \"e\": \"E\"}" },
        { "5f42010243030405ff", "h'0102030405'" },
        { "7f657374726561646d696e67ff", "\"streaming\"" },
        { "9fff", "[_ ]" },
        { "9f018202039f0405ffff", "[_ 1, [2, 3], [_ 4, 5]]" },
        { "9f01820203820405ff", "[_ 1, [2, 3], [4, 5]]" },
        { "83018202039f0405ff", "[1, [2, 3], [_ 4, 5]]" },
        { "83019f0203ff820405", "[1, [_ 2, 3], [4, 5]]" },
        {
            "9f0102030405060708090a0b0c0d0e0f101112131415161718181819ff",
            "[_ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]"
        },
        { "bf61610161629f0203ffff", "{_ \"a\": 1, \"b\": [_ 2, 3]}" },
        { "826161bf61626163ff", "[\"a\", {_ \"b\": \"c\"}]" },
        { "bf6346756ef563416d7421ff", "{_ \"Fun\": true, \"Amt\": -2}" },
    };

    [Theory]
    [MemberData(nameof(AppendixAItems))]
    public void Appendix_A_items_decode_and_skip(string hex, string diagnostic)
    {
        byte[] data = CborDiagnostic.Hex(hex);
        CborDiagnostic.Decode(data).ShouldBe(diagnostic);

        CborReader reader = new(data);
        reader.SkipValue();
        reader.BytesRemaining.ShouldBe(0);
    }

    [Fact]
    public void Non_minimal_encodings_are_accepted()
    {
        CborDiagnostic.Decode(CborDiagnostic.Hex("1800")).ShouldBe("0");
        CborDiagnostic.Decode(CborDiagnostic.Hex("1b0000000000000001")).ShouldBe("1");
        CborDiagnostic.Decode(CborDiagnostic.Hex("7800")).ShouldBe("\"\"");
        CborDiagnostic.Decode(CborDiagnostic.Hex("990001 01")).ShouldBe("[1]");
        CborDiagnostic.Decode(CborDiagnostic.Hex("fa3f800000")).ShouldBe("1.0");
    }

    [Fact]
    public void Definite_text_is_available_as_a_slice_and_indefinite_text_is_not()
    {
        CborReader reader = new(CborDiagnostic.Hex("6449455446"));
        reader.TryReadTextStringUtf8(out ReadOnlySpan<byte> utf8).ShouldBeTrue();
        utf8.SequenceEqual("IETF"u8).ShouldBeTrue();

        reader = new(CborDiagnostic.Hex("7f657374726561646d696e67ff"));
        reader.TryReadTextStringUtf8(out _).ShouldBeFalse();
        reader.BytesConsumed.ShouldBe(0);
        reader.ReadTextString().ShouldBe("streaming");
        reader.BytesRemaining.ShouldBe(0);
    }

    [Fact]
    public void TryReadNull_consumes_only_null()
    {
        CborReader reader = new(CborDiagnostic.Hex("f601"));
        reader.TryReadNull().ShouldBeTrue();
        reader.TryReadNull().ShouldBeFalse();
        reader.ReadInt64().ShouldBe(1);
    }

    [Fact]
    public void Depth_is_tracked_across_start_and_end()
    {
        CborReader reader = new(CborDiagnostic.Hex("9f81a0ff"));
        reader.ReadStartArray().ShouldBe(-1);
        reader.ReadStartArray().ShouldBe(1);
        reader.Depth.ShouldBe(2);
        reader.ReadStartMap().ShouldBe(0);
        reader.ReadEndMap();
        reader.ReadEndArray();
        reader.TryReadBreak().ShouldBeTrue();
        reader.ReadEndArray();
        reader.Depth.ShouldBe(0);
        reader.BytesRemaining.ShouldBe(0);
    }

    [Fact]
    public void ReadEnd_consumes_an_unread_break()
    {
        CborReader reader = new(CborDiagnostic.Hex("9fff01"));
        reader.ReadStartArray().ShouldBe(-1);
        reader.ReadEndArray();
        reader.ReadInt64().ShouldBe(1);
    }

    [Fact]
    public void Type_mismatch_throws_format_exception_with_offset()
    {
        CborFormatException error = Should.Throw<CborFormatException>(() =>
        {
            CborReader reader = new(CborDiagnostic.Hex("820102"));
            reader.ReadStartArray();
            reader.ReadInt64();
            reader.ReadTextString();
        });
        error.Offset.ShouldBe(2);
        error.ShouldBeAssignableTo<FormatException>();
    }

    // Each of these is malformed or hostile; every one must end in CborFormatException.
    // Keep new fuzz findings here with their bytes inline (STYLE.md §22).
    public static TheoryData<string, string> Malformed => new()
    {
        { "", "empty input" },
        { "9bffffffffffffffff", "array claiming 2^64 items" },
        { "bbffffffffffffffff", "map claiming 2^64 pairs" },
        { "5bffffffffffffffff", "byte string claiming 2^64 bytes" },
        { "7bffffffffffffffff", "text string claiming 2^64 bytes" },
        { "7b7fffffffffffffff00", "text string length near long.MaxValue" },
        { "5a7fffffff00", "byte string length int.MaxValue" },
        { "8301", "array truncated" },
        { "a101", "map missing a value" },
        { "18", "missing 1-byte argument" },
        { "19ff", "missing 2-byte argument" },
        { "fa7f80", "truncated float32" },
        { "1c", "reserved additional info 28" },
        { "3e", "reserved additional info 30 on negative" },
        { "fc", "reserved simple 28" },
        { "1f", "indefinite unsigned" },
        { "df", "indefinite tag" },
        { "ff", "top-level break" },
        { "81ff", "break inside definite array" },
        { "bf01ff", "indefinite map with key but no value" },
        { "5f01ff", "integer chunk in byte string" },
        { "5f6161ff", "text chunk in byte string" },
        { "7f5f41ffff", "nested indefinite chunk" },
        { "5f4101", "indefinite string missing break" },
        { "9f01", "indefinite array missing break" },
        { "62c328", "invalid UTF-8" },
        { "7f61c361bcff", "UTF-8 character split across chunks" },
        { "f81f", "two-byte simple value below 32" },
        { "c1", "tag without item" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_input_throws_format_exception(string hex, string what)
    {
        byte[] data = CborDiagnostic.Hex(hex);
        ShouldThrowFormat(() => CborDiagnostic.Decode(data), what);
        ShouldThrowFormat(() => CborDiagnostic.SkipAll(data), what, allowSuccess: data.Length == 0);
    }

    [Fact]
    public void Nesting_beyond_the_limit_is_rejected_by_reads_and_skips()
    {
        byte[] deep = new byte[100];
        Array.Fill(deep, (byte)0x81);
        ShouldThrowFormat(() => CborDiagnostic.Decode(deep));
        ShouldThrowFormat(() => CborDiagnostic.SkipAll(deep));

        byte[] sixtyFour = new byte[65];
        Array.Fill(sixtyFour, (byte)0x81, 0, 64);
        sixtyFour[64] = 0x00;
        CborDiagnostic.Decode(sixtyFour).ShouldStartWith("[[[");
        CborDiagnostic.SkipAll(sixtyFour);
    }

    [Fact]
    public void A_long_run_of_tags_is_skipped_without_recursion()
    {
        byte[] tags = new byte[200_001];
        Array.Fill(tags, (byte)0xc1, 0, 200_000);
        tags[^1] = 0x00;
        CborDiagnostic.SkipAll(tags);
    }

    private static void ShouldThrowFormat(Action action, string? what = null, bool allowSuccess = false)
    {
        try
        {
            action();
            allowSuccess.ShouldBeTrue($"expected CborFormatException for {what}");
        }
        catch (CborFormatException)
        {
        }
    }
}
