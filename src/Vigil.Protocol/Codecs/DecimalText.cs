namespace Vigil.Protocol.Codecs;

/// <summary>
/// Fast shortest round-trip text for doubles that are short decimals — what metrics almost always are (37.5, 0.25,
/// 1024) — without .NET's general shortest-digits search, which costs ~10× more per value. The text equals what
/// <c>double.ToString("R")</c> writes for those values; anything else takes the BCL's formatter.
/// </summary>
public static class DecimalText
{
    /// <summary>Enough for any double the BCL writes ("-1.7976931348623157E+308" is 24 bytes).</summary>
    public const int MaxLength = 32;

    private const int MaxFractionDigits = 6;
    private const double MaxMantissa = 9007199254740992d; // 2^53: every integer below is exact in a double.
    private static readonly double[] s_pow10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6];

    /// <summary>Writes <paramref name="value"/> (finite) into <paramref name="destination"/> (at least <see cref="MaxLength"/> bytes).</summary>
    public static int Format(double value, Span<byte> destination)
    {
        if (TryFormatShort(value, destination, out var written))
        {
            return written;
        }
        if (!value.TryFormat(destination, out written, "R", System.Globalization.CultureInfo.InvariantCulture))
        {
            throw new ArgumentException("The destination is too small for a double.", nameof(destination));
        }
        return written;
    }

    /// <summary>
    /// The fixed-point text of <paramref name="value"/> when some m · 10^-k with k ≤ 6 and |m| &lt; 2^53 is exactly
    /// <paramref name="value"/> as a double, with the smallest such k — then it is the shortest text that reads back
    /// as the same double. Only in the range where the BCL also writes fixed-point (1e-4 ≤ |v| &lt; 1e15, or 0).
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
        for (var k = 0; k <= MaxFractionDigits; k++)
        {
            var m = Math.Round(value * s_pow10[k]);
            if (Math.Abs(m) < MaxMantissa && m / s_pow10[k] == value)
            {
                written = Write((long)m, k, destination);
                return true;
            }
        }
        return false;
    }

    private static int Write(long mantissa, int fractionDigits, Span<byte> destination)
    {
        Span<byte> digits = stackalloc byte[24];
        var n = 0;
        var u = (ulong)Math.Abs(mantissa);
        do
        {
            digits[n++] = (byte)('0' + (u % 10));
            u /= 10;
        }
        while (u != 0);
        while (n <= fractionDigits)
        {
            digits[n++] = (byte)'0'; // "0.05": zeros between the point and the first significant digit, and the 0 before it.
        }
        var at = 0;
        if (mantissa < 0)
        {
            destination[at++] = (byte)'-';
        }
        for (var i = n - 1; i >= 0; i--)
        {
            if (i == fractionDigits - 1)
            {
                destination[at++] = (byte)'.';
            }
            destination[at++] = digits[i];
        }
        return at;
    }
}
