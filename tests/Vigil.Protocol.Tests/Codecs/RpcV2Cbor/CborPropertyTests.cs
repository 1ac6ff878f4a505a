using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Protocol.Codecs.RpcV2Cbor;

namespace Vigil.Protocol.Tests.Codecs.RpcV2Cbor;

/// <summary>
/// FsCheck round trips (STYLE.md §21) and fuzzing (§22): random value trees written and read
/// back, and random or mutated bytes that must either decode or throw CborFormatException.
/// </summary>
public sealed class CborPropertyTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(500).WithQuietOnSuccess(true);
    private static readonly Config FuzzRuns = Config.QuickThrowOnFailure.WithMaxTest(3000).WithQuietOnSuccess(true);

    [Fact]
    public void Random_value_trees_round_trip()
    {
        Prop.ForAll(CborModel.Generator.ToArbitrary(), model =>
        {
            byte[] bytes = Write(model);
            CborDiagnostic.Decode(bytes).ShouldBe(model.Describe());

            CborReader reader = new(bytes);
            reader.SkipValue();
            reader.BytesRemaining.ShouldBe(0);
        }).Check(Runs);
    }

    [Fact]
    public void Millisecond_timestamps_round_trip()
    {
        Gen<long> millis = Gen.Choose(-2_000_000, 6_000_000)
            .SelectMany(high => Gen.Choose(0, 999_999).Select(low => (high * 1_000_000L) + low));
        Prop.ForAll(millis.ToArbitrary(), ms =>
        {
            DateTimeOffset value = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            CborReader reader = new(CborWriterTests.EncodeBytes(w => w.WriteEpochTimestamp(value)));
            reader.ReadTag().ShouldBe(1UL);
            bool whole = ms % 1000 == 0;
            reader.PeekType().ShouldBe(whole ? (ms < 0 ? CborType.NegativeInteger : CborType.UnsignedInteger) : CborType.Float);
            ((long)Math.Round(reader.ReadDouble() * 1000)).ShouldBe(ms);
        }).Check(Runs);
    }

    [Fact]
    public void Random_bytes_decode_or_throw_format_exception()
    {
        // Biased toward bytes that start containers, strings, tags and long arguments, where
        // length and depth handling lives; plain random bytes mostly fail on the first byte.
        Gen<byte> interesting = Gen.Elements<byte>(
            0x9f, 0xbf, 0x5f, 0x7f, 0xff, 0x1b, 0x3b, 0x5b, 0x7b, 0x9b, 0xbb, 0xfb, 0xf9, 0xfa, 0xc1, 0xdb,
            0x18, 0x19, 0x1a, 0x81, 0xa1, 0x61, 0x41, 0xf8, 0x1c, 0xfc, 0x00, 0xff, 0x80, 0xc0);
        Gen<byte> anyByte = Gen.Choose(0, 255).Select(b => (byte)b);
        Gen<byte[]> bytes = Gen.Frequency((1, anyByte), (1, interesting)).ArrayOf();
        Prop.ForAll(bytes.ToArbitrary(), FeedAll).Check(FuzzRuns);
    }

    [Fact]
    public void Mutated_and_truncated_encodings_decode_or_throw_format_exception()
    {
        Gen<(byte[] Bytes, int Position, byte Value, bool Truncate)> cases =
            from model in CborModel.Generator
            from position in Gen.Choose(0, int.MaxValue)
            from value in Gen.Choose(0, 255)
            from truncate in Gen.Elements(true, false)
            select (Write(model), position, (byte)value, truncate);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            byte[] data = c.Bytes;
            int at = c.Position % data.Length;
            if (c.Truncate)
            {
                FeedAll(data[..at]);
            }
            else
            {
                data[at] = c.Value;
                FeedAll(data);
            }
        }).Check(FuzzRuns);
    }

    private static void FeedAll(byte[] data)
    {
        Stopwatch clock = Stopwatch.StartNew();
        Feed(data, CborDiagnostic.ReadAll);
        Feed(data, CborDiagnostic.SkipAll);

        // Inputs are at most a few KB; anything near a second means super-linear work.
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(2));
    }

    private static void Feed(byte[] data, ReadAction action)
    {
        try
        {
            action(data);
        }
        catch (CborFormatException)
        {
            // The one allowed failure; anything else escapes and fails the property.
        }
    }

    private delegate void ReadAction(ReadOnlySpan<byte> data);

    private static byte[] Write(CborModel model)
    {
        ArrayBufferWriter<byte> output = new();
        model.WriteTo(new CborWriter(output));
        return output.WrittenSpan.ToArray();
    }
}

/// <summary>A CBOR value tree for property tests, printed the way <see cref="CborDiagnostic"/> prints.</summary>
internal abstract record CborModel
{
    public static readonly Gen<CborModel> Generator = Gen.Sized(size => Tree(Math.Min(size, 40)));

    private static readonly string[] TextPieces = ["a", "Z", "0", " ", "\"", "\\", "\u00fc", "\u6c34", "\U0001F600", "__type", "\n"];

    public abstract void WriteTo(CborWriter writer);

    public abstract string Describe();

    private static Gen<CborModel> Tree(int size)
    {
        Gen<CborModel> leaf = Leaf();
        if (size <= 1)
        {
            return leaf;
        }

        Gen<CborModel> child = Gen.Sized(_ => Tree(size / 3));
        return Gen.Frequency(
            (5, leaf),
            (1, child.ArrayOf().Select(items => (CborModel)new Arr(items))),
            (1, Text().Zip(child).ArrayOf().Select(pairs => (CborModel)new Map(pairs))),
            (1, Gen.Elements(0UL, 1UL, 24UL, 55799UL, ulong.MaxValue).Zip(child).Select(t => (CborModel)new Tagged(t.Item1, t.Item2))));
    }

    private static Gen<CborModel> Leaf()
    {
        Gen<long> edgeLongs = Gen.Elements(0L, 23L, 24L, 255L, 256L, 65535L, 65536L, uint.MaxValue, 1L + uint.MaxValue,
            long.MaxValue, long.MinValue, -1L, -24L, -25L, -256L, -257L, -65537L);
        Gen<double> edgeDoubles = Gen.Elements(0.0, -0.0, 1.5, 65504.0, 1e300, double.Epsilon, double.NaN,
            double.PositiveInfinity, double.NegativeInfinity, 5.960464477539063e-8, 3.4028234663852886e+38, 0.1);
        return Gen.OneOf(
            Gen.OneOf(ArbMap.Default.GeneratorFor<long>(), edgeLongs).Select(v => (CborModel)new Int(v)),
            Gen.Elements(ulong.MaxValue, 1UL + long.MaxValue).Select(v => (CborModel)new UInt(v)),
            Gen.OneOf(ArbMap.Default.GeneratorFor<double>(), edgeDoubles).Zip(Gen.Elements(true, false))
                .Select(t => (CborModel)new Float(t.Item1, t.Item2)),
            Gen.Elements(true, false).Select(v => (CborModel)new Bool(v)),
            Gen.Constant((CborModel)new Null()),
            Text().Select(v => (CborModel)new TextValue(v)),
            ArbMap.Default.GeneratorFor<byte[]>().Select(v => (CborModel)new Bytes(v)));
    }

    private static Gen<string> Text() => Gen.Elements(TextPieces).ArrayOf().Select(string.Concat);

    private static string Quote(string text)
    {
        StringBuilder quoted = new("\"");
        foreach (char c in text)
        {
            quoted.Append(c is '"' or '\\' ? "\\" : "").Append(c);
        }

        return quoted.Append('"').ToString();
    }

    private sealed record Int(long Value) : CborModel
    {
        public override void WriteTo(CborWriter writer) => writer.WriteInt64(Value);

        public override string Describe() => Value.ToString(CultureInfo.InvariantCulture);
    }

    private sealed record UInt(ulong Value) : CborModel
    {
        public override void WriteTo(CborWriter writer) => writer.WriteUInt64(Value);

        public override string Describe() => Value.ToString(CultureInfo.InvariantCulture);
    }

    private sealed record Float(double Value, bool Shortest) : CborModel
    {
        public override void WriteTo(CborWriter writer)
        {
            if (Shortest)
            {
                writer.WriteDoubleShortest(Value);
            }
            else
            {
                writer.WriteDouble(Value);
            }
        }

        public override string Describe() => CborDiagnostic.FormatDouble(Value);
    }

    private sealed record Bool(bool Value) : CborModel
    {
        public override void WriteTo(CborWriter writer) => writer.WriteBoolean(Value);

        public override string Describe() => Value ? "true" : "false";
    }

    private sealed record Null : CborModel
    {
        public override void WriteTo(CborWriter writer) => writer.WriteNull();

        public override string Describe() => "null";
    }

    private sealed record TextValue(string Value) : CborModel
    {
        public override void WriteTo(CborWriter writer) => writer.WriteTextString(Value);

        public override string Describe() => Quote(Value);
    }

    private sealed record Bytes(byte[] Value) : CborModel
    {
        public override void WriteTo(CborWriter writer) => writer.WriteByteString(Value);

        public override string Describe() => "h'" + Convert.ToHexStringLower(Value) + "'";
    }

    private sealed record Arr(CborModel[] Items) : CborModel
    {
        public override void WriteTo(CborWriter writer)
        {
            writer.WriteStartArray(Items.Length);
            foreach (CborModel item in Items)
            {
                item.WriteTo(writer);
            }
        }

        public override string Describe() => "[" + string.Join(", ", Items.Select(i => i.Describe())) + "]";
    }

    private sealed record Map((string Key, CborModel Value)[] Pairs) : CborModel
    {
        public override void WriteTo(CborWriter writer)
        {
            writer.WriteStartMap(Pairs.Length);
            foreach ((string key, CborModel value) in Pairs)
            {
                writer.WriteTextString(key);
                value.WriteTo(writer);
            }
        }

        public override string Describe() =>
            "{" + string.Join(", ", Pairs.Select(p => Quote(p.Key) + ": " + p.Value.Describe())) + "}";
    }

    private sealed record Tagged(ulong Tag, CborModel Item) : CborModel
    {
        public override void WriteTo(CborWriter writer)
        {
            writer.WriteTag(Tag);
            Item.WriteTo(writer);
        }

        public override string Describe() => Tag.ToString(CultureInfo.InvariantCulture) + "(" + Item.Describe() + ")";
    }
}
