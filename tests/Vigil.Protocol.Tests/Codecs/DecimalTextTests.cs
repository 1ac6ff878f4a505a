using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Shouldly;
using Vigil.Protocol.Codecs;
using Xunit;

namespace Vigil.Protocol.Tests.Codecs;

public class DecimalTextTests
{
    private static string Format(double value)
    {
        Span<byte> buffer = stackalloc byte[DecimalText.MaxLength];
        return Encoding.ASCII.GetString(buffer[..DecimalText.Format(value, buffer)]);
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(37.5, "37.5")]
    [InlineData(-0.25, "-0.25")]
    [InlineData(0.05, "0.05")]
    [InlineData(1024.0, "1024")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(123456.000001, "123456.000001")]
    [InlineData(999999999999999.0, "999999999999999")]
    public void Short_decimals_are_written_as_the_BCL_writes_them(double value, string expected)
    {
        Format(value).ShouldBe(expected);
        value.ToString("R", CultureInfo.InvariantCulture).ShouldBe(expected);
    }

    [Theory]
    [InlineData(-0.0, "-0")]
    [InlineData(1e15, "1000000000000000")]
    [InlineData(1e17, "1E+17")]
    [InlineData(0.00001, "1E-05")]
    [InlineData(224.71000000000004, "224.71000000000004")]
    [InlineData(1.0 / 3, "0.3333333333333333")]
    [InlineData(-2.0 / 3, "-0.6666666666666666")]
    [InlineData(double.MaxValue, "1.7976931348623157E+308")]
    [InlineData(double.Epsilon, "5E-324")]
    [InlineData(2.2250738585072014E-308, "2.2250738585072014E-308")]
    [InlineData(9007199254740993.0, "9007199254740992")]
    [InlineData(1.2345678901234567E+16, "12345678901234568")]
    [InlineData(1.2345678901234566E+17, "1.2345678901234566E+17")]
    [InlineData(0.000123456789, "0.000123456789")]
    [InlineData(5e-5, "5E-05")]
    [InlineData(8704804787.45238, "8704804787.45238")]
    [InlineData(1e23, "1E+23")]
    [InlineData(double.NaN, "NaN")]
    public void Other_doubles_take_the_shortest_digits_path_and_match_the_BCL(double value, string expected)
    {
        Span<byte> buffer = stackalloc byte[DecimalText.MaxLength];
        DecimalText.TryFormatShort(value, buffer, out _).ShouldBeFalse();
        Format(value).ShouldBe(expected);
        value.ToString("R", CultureInfo.InvariantCulture).ShouldBe(expected);
    }

    [Fact]
    public void Powers_of_two_where_the_BCL_text_does_not_read_back_get_text_that_does()
    {
        var value = Math.ScaleB(1, -25);
        value.ToString("R", CultureInfo.InvariantCulture).ShouldBe("2.980232238769531E-08");
        double.Parse("2.980232238769531E-08", CultureInfo.InvariantCulture).ShouldNotBe(value);
        Format(value).ShouldBe("2.9802322387695312E-08");
    }

    [Fact]
    public void Shortest_digits_match_the_BCL_across_every_exponent_and_at_the_hard_cases()
    {
        // Straight to Ryū (not the short-decimal path): random bit patterns, neighbours of powers of two and ten
        // (where the rounding interval is lopsided or the digits end in long runs), and subnormals.
        Gen<double> bits = ArbMap.Default.GeneratorFor<long>().Select(BitConverter.Int64BitsToDouble).Where(v => double.IsFinite(v) && v != 0);
        Gen<double> nearPowers = from e in Gen.Choose(-1074, 1023)
                                 from ten in Gen.Elements(false, true)
                                 from step in Gen.Choose(-3, 3)
                                 let start = ten ? Math.Pow(10, e / 3.32) : Math.ScaleB(1, e)
                                 where double.IsFinite(start) && start > 0
                                 select BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(start) + step);
        Gen<double> subnormal = Gen.Choose(1, int.MaxValue).Select(m => BitConverter.Int64BitsToDouble(m * 977L));
        Gen<double> ratios = from a in Gen.Choose(1, 1_000_000)
                             from b in Gen.Choose(1, 1_000)
                             select a / (double)b;
        Span<byte> buffer = stackalloc byte[DecimalText.MaxLength];
        var checkedCount = 0;
        Prop.ForAll(Gen.OneOf(bits, nearPowers, subnormal, ratios).Where(v => double.IsFinite(v) && v > 0).ToArbitrary(), value =>
        {
            var expected = value.ToString("R", CultureInfo.InvariantCulture);
            var (digits, exponent) = ShortestDigits.Of(value);
            var text = digits.ToString(CultureInfo.InvariantCulture) + "E" + exponent.ToString(CultureInfo.InvariantCulture);
            double.Parse(text, CultureInfo.InvariantCulture).ShouldBe(value, text);
            if (double.Parse(expected, CultureInfo.InvariantCulture) != value)
            {
                // The BCL's text does not always read back (2^-25 gives "2.980232238769531E-08", which is the double
                // below): then ours must, and be no longer than the 17 digits that always suffice.
                expected = Format(value);
                double.Parse(expected, CultureInfo.InvariantCulture).ShouldBe(value, expected);
                digits.ShouldBeLessThan(100_000_000_000_000_000UL);
            }
            Format(value).ShouldBe(expected, $"bits {BitConverter.DoubleToInt64Bits(value):x}");
            Format(-value).ShouldBe("-" + expected);
            checkedCount++;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(50_000).WithQuietOnSuccess(true));
        checkedCount.ShouldBe(50_000);
    }

    [Fact]
    public void Any_double_is_written_as_the_BCL_writes_it_and_reads_back_exactly()
    {
        // Random bit patterns (every exponent) and random short decimals (the fast path's own domain).
        Gen<double> bits = ArbMap.Default.GeneratorFor<long>().Select(BitConverter.Int64BitsToDouble).Where(double.IsFinite);
        Gen<double> decimals = from m in Gen.Choose(-2_000_000_000, 2_000_000_000)
                               from k in Gen.Choose(0, 8)
                               select m / Math.Pow(10, k);
        Prop.ForAll(Gen.OneOf(bits, decimals).ToArbitrary(), value =>
        {
            var text = Format(value);
            text.ShouldBe(value.ToString("R", CultureInfo.InvariantCulture), $"bits {BitConverter.DoubleToInt64Bits(value):x}");
            double.Parse(text, CultureInfo.InvariantCulture).ShouldBe(value);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(20_000).WithQuietOnSuccess(true));
    }

    [Fact]
    public void Short_decimals_take_the_fast_path()
    {
        Span<byte> buffer = stackalloc byte[DecimalText.MaxLength];
        for (var i = -100_000; i <= 100_000; i += 7)
        {
            DecimalText.TryFormatShort(i / 100.0, buffer, out _).ShouldBeTrue($"{i / 100.0}");
        }
    }
}
