using System.Globalization;

namespace Vigil.Protocol.SigV4;

/// <summary>Parsing and formatting of the SigV4 date forms without culture or allocation.</summary>
internal static class SigV4Time
{
    /// <summary>Length of <c>yyyyMMddTHHmmssZ</c>, the ISO 8601 basic format of X-Amz-Date.</summary>
    public const int AmzDateLength = 16;

    /// <summary>Parses <c>yyyyMMddTHHmmssZ</c> exactly; rejects out-of-range fields instead of throwing.</summary>
    public static bool TryParseAmzDate(ReadOnlySpan<char> value, out DateTimeOffset result)
    {
        result = default;
        if (value.Length != AmzDateLength || value[8] != 'T' || value[15] != 'Z'
            || !TryParseDate(value[..8], out DateOnly date)
            || !TryParseDigits(value.Slice(9, 2), out int hour) || hour > 23
            || !TryParseDigits(value.Slice(11, 2), out int minute) || minute > 59
            || !TryParseDigits(value.Slice(13, 2), out int second) || second > 59)
        {
            return false;
        }

        result = new DateTimeOffset(date.Year, date.Month, date.Day, hour, minute, second, TimeSpan.Zero);
        return true;
    }

    /// <summary>Parses the <c>yyyyMMdd</c> of a credential scope.</summary>
    public static bool TryParseDate(ReadOnlySpan<char> value, out DateOnly result)
    {
        result = default;
        if (value.Length != 8
            || !TryParseDigits(value[..4], out int year) || year < 1
            || !TryParseDigits(value.Slice(4, 2), out int month) || month is < 1 or > 12
            || !TryParseDigits(value.Slice(6, 2), out int day) || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        result = new DateOnly(year, month, day);
        return true;
    }

    /// <summary>The RFC 7231 Date header, used only when X-Amz-Date is absent.</summary>
    public static bool TryParseHttpDate(string value, out DateTimeOffset result) =>
        DateTimeOffset.TryParseExact(
            value,
            "r",
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out result);

    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    private static bool TryParseDigits(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        foreach (char c in digits)
        {
            uint d = (uint)(c - '0');
            if (d > 9)
            {
                return false;
            }

            value = (value * 10) + (int)d;
        }

        return true;
    }
}
