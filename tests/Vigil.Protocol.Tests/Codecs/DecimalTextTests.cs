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
    [InlineData(-0.0)]
    [InlineData(1e15)]
    [InlineData(0.00001)]
    [InlineData(224.71000000000004)]
    [InlineData(1.0 / 3)]
    [InlineData(double.MaxValue)]
    [InlineData(double.Epsilon)]
    public void Everything_else_falls_back_to_the_BCL(double value)
    {
        Span<byte> buffer = stackalloc byte[DecimalText.MaxLength];
        DecimalText.TryFormatShort(value, buffer, out _).ShouldBeFalse();
        Format(value).ShouldBe(value.ToString("R", CultureInfo.InvariantCulture));
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
