using System.Globalization;

namespace Vigil.Logs.FilterPatterns.Matching;

/// <summary>A number from a pattern or a message: exact as a decimal when it fits (28 digits, so ids and prices
/// compare exactly), else as a double.</summary>
internal readonly struct NumberValue
{
    private readonly decimal _exact;
    private readonly double _approximate;
    private readonly bool _isExact;

    public NumberValue(decimal exact)
    {
        _exact = exact;
        _approximate = (double)exact;
        _isExact = true;
    }

    public NumberValue(double approximate)
    {
        _approximate = approximate;
    }

    /// <summary>Accepts the number grammar AWS documents for patterns: optional sign, digits with an optional
    /// fraction, optional exponent (<c>-5</c>, <c>+3</c>, <c>1.5</c>, <c>1e-3</c>). No hex, no "Infinity", no spaces.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out NumberValue value)
    {
        value = default;
        if (!IsNumber(text))
        {
            return false;
        }
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var exact))
        {
            value = new NumberValue(exact);
            return true;
        }
        // Out of decimal's range (1e300) or too small to be anything but 0 there: a double still orders it.
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var approximate)
            && double.IsFinite(approximate))
        {
            value = new NumberValue(approximate);
            return true;
        }
        return false;
    }

    public static bool IsNumber(ReadOnlySpan<char> s)
    {
        var i = 0;
        if (i < s.Length && (s[i] == '+' || s[i] == '-'))
        {
            i++;
        }
        var digits = SkipDigits(s, ref i);
        if (i < s.Length && s[i] == '.')
        {
            i++;
            digits += SkipDigits(s, ref i);
        }
        if (digits == 0)
        {
            return false;
        }
        if (i < s.Length && (s[i] == 'e' || s[i] == 'E'))
        {
            i++;
            if (i < s.Length && (s[i] == '+' || s[i] == '-'))
            {
                i++;
            }
            if (SkipDigits(s, ref i) == 0)
            {
                return false;
            }
        }
        return i == s.Length;
    }

    private static int SkipDigits(ReadOnlySpan<char> s, ref int i)
    {
        var start = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }
        return i - start;
    }

    public int CompareTo(NumberValue other) =>
        _isExact && other._isExact ? _exact.CompareTo(other._exact) : _approximate.CompareTo(other._approximate);
}
