namespace Vigil.Protocol.Codecs;

/// <summary>
/// Shortest round-trip text for doubles without .NET's general shortest-digits search. Short decimals — what metrics
/// almost always are (37.5, 0.25, 1024) — take a fixed-point test; the rest get their digits from Ryū
/// (<see cref="ShortestDigits"/>). The text is what <c>double.ToString("R")</c> writes, except where that does not
/// read back as the same double (ours does); NaN, the infinities and ±0 take the BCL's words.
/// </summary>
public static class DecimalText
{
    /// <summary>Enough for any double the BCL writes ("-1.7976931348623157E+308" is 24 bytes).</summary>
    public const int MaxLength = 32;

    private const int MaxFractionDigits = 6;
    private const double MaxFixedPoint = 4294967296d; // 2^32
    private static readonly double[] s_pow10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6];

    /// <summary>Writes <paramref name="value"/> (finite) into <paramref name="destination"/> (at least <see cref="MaxLength"/> bytes).</summary>
    public static int Format(double value, Span<byte> destination)
    {
        if (TryFormatShort(value, destination, out var written))
        {
            return written;
        }
        if (destination.Length < MaxLength)
        {
            throw new ArgumentException("The destination is too small for a double.", nameof(destination));
        }
        if (!double.IsFinite(value) || value == 0)
        {
            // NaN, the infinities and ±0 are the BCL's words.
            return value.TryFormat(destination, out written, "R", System.Globalization.CultureInfo.InvariantCulture) ? written : 0;
        }
        var (digits, exponent) = ShortestDigits.Of(Math.Abs(value));
        return WriteShortest(value < 0, digits, exponent, destination);
    }

    /// <summary>
    /// d · 10^e laid out as the BCL writes shortest doubles: fixed-point while the leading digit's power of ten is
    /// in [-4, 17), otherwise one digit, the rest after a point, and "E+XX" / "E-XX" (at least two exponent digits).
    /// </summary>
    private static int WriteShortest(bool negative, ulong digits, int exponent, Span<byte> destination)
    {
        var n = CountDigits(digits);
        var at = 0;
        if (negative)
        {
            destination[at++] = (byte)'-';
        }
        var scientific = exponent + n - 1;
        if (scientific is > -5 and < 17)
        {
            if (exponent >= 0)
            {
                WriteDigits(digits, destination.Slice(at, n));
                at += n;
                destination.Slice(at, exponent).Fill((byte)'0');
                return at + exponent;
            }
            return at + WriteFixed(digits, -exponent, destination[at..]);
        }
        var rest = n - 1;
        var divisor = s_pow10Integers[rest];
        destination[at++] = (byte)('0' + digits / divisor);
        if (rest > 0)
        {
            destination[at++] = (byte)'.';
            WriteDigits(digits % divisor, destination.Slice(at, rest));
            at += rest;
        }
        destination[at++] = (byte)'E';
        destination[at++] = scientific < 0 ? (byte)'-' : (byte)'+';
        var power = Math.Abs(scientific);
        if (power >= 100)
        {
            destination[at++] = (byte)('0' + power / 100);
        }
        WriteDigits((ulong)(power % 100), destination.Slice(at, 2));
        return at + 2;
    }

    /// <summary>Writes <paramref name="value"/> (below 2^63) in decimal; returns the bytes written.</summary>
    public static int WriteInteger(long value, Span<byte> destination)
    {
        var at = 0;
        if (value < 0)
        {
            destination[at++] = (byte)'-';
            value = -value;
        }
        var n = CountDigits((ulong)value);
        WriteDigits((ulong)value, destination.Slice(at, n));
        return at + n;
    }

    /// <summary>m · 10^-k (m ≥ 0, k ≥ 1) as fixed-point text: "0.05", "37.5".</summary>
    private static int WriteFixed(ulong mantissa, int fractionDigits, Span<byte> destination)
    {
        // Up to 21 fraction digits (0.0001 and 17 digits); 10^20 and up exceed every mantissa.
        var divisor = fractionDigits < s_pow10Integers.Length ? s_pow10Integers[fractionDigits] : ulong.MaxValue;
        var whole = mantissa / divisor;
        var at = 0;
        if (whole == 0)
        {
            destination[at++] = (byte)'0';
        }
        else
        {
            var n = CountDigits(whole);
            WriteDigits(whole, destination.Slice(at, n));
            at += n;
        }
        destination[at++] = (byte)'.';
        WriteDigits(mantissa - whole * divisor, destination.Slice(at, fractionDigits));
        return at + fractionDigits;
    }

    /// <summary>The last <c>destination.Length</c> decimal digits of <paramref name="value"/>, zero-padded, two at a time.</summary>
    private static void WriteDigits(ulong value, Span<byte> destination)
    {
        var pairs = PairDigits;
        var i = destination.Length;
        while (i >= 2)
        {
            var pair = (int)(value % 100) * 2;
            value /= 100;
            destination[--i] = pairs[pair + 1];
            destination[--i] = pairs[pair];
        }
        if (i == 1)
        {
            destination[0] = (byte)('0' + value % 10);
        }
    }

    private static int CountDigits(ulong value)
    {
        var n = 1;
        while (n < 20 && value >= s_pow10Integers[n])
        {
            n++;
        }
        return n;
    }

    private static ReadOnlySpan<byte> PairDigits =>
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;

    private static readonly ulong[] s_pow10Integers =
    [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000,
        100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
        10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000, 10_000_000_000_000_000_000,
    ];

    /// <summary>
    /// The fixed-point text of <paramref name="value"/> when it is an integer below 10^15, or below 2^32 and some
    /// m · 10^-k with k ≤ 6 is exactly <paramref name="value"/> as a double, with the smallest such k — then it is the
    /// shortest text that reads back as the same double. Only where the BCL also writes fixed-point (1e-4 ≤ |v|).
    /// </summary>
    public static bool TryFormatShort(double value, Span<byte> destination, out int written)
    {
        written = 0;
        var magnitude = Math.Abs(value);
        if (!(magnitude < 1e15) || (magnitude < 1e-4 && (value != 0 || double.IsNegative(value))) || destination.Length < MaxLength)
        {
            // NaN, infinities, exponent notation, and -0 (which the BCL writes as "-0") go the general way.
            return false;
        }
        if (value == Math.Truncate(value))
        {
            written = Write((long)value, 0, destination);
            return true;
        }
        // If m · 10^-k is the value for some k ≤ 6, so is (m · 10^(6-k)) · 10^-6 (both divisions round the same
        // rational), so one test at k = 6 and dropping m's trailing zeros finds the smallest k. Below 2^32 a double's
        // spacing is under 10^-6, so at most one m passes the test. A value that is not a short decimal costs one
        // multiplication and one division here before the general path.
        if (!(magnitude < MaxFixedPoint))
        {
            return false;
        }
        var scaled = Math.Round(value * s_pow10[MaxFractionDigits]);
        if (scaled / s_pow10[MaxFractionDigits] != value)
        {
            return false;
        }
        var mantissa = (long)scaled;
        var fractionDigits = MaxFractionDigits;
        while (mantissa % 10 == 0)
        {
            mantissa /= 10;
            fractionDigits--;
        }
        written = Write(mantissa, fractionDigits, destination);
        return true;
    }

    private static int Write(long mantissa, int fractionDigits, Span<byte> destination)
    {
        if (fractionDigits == 0)
        {
            return WriteInteger(mantissa, destination);
        }
        var at = 0;
        if (mantissa < 0)
        {
            destination[at++] = (byte)'-';
        }
        return at + WriteFixed((ulong)Math.Abs(mantissa), fractionDigits, destination[at..]);
    }
}
