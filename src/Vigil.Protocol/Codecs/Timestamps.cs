using System.Globalization;

namespace Vigil.Protocol.Codecs;

/// <summary>Timestamp conversions shared by the codecs. AWS uses epoch seconds in JSON/CBOR and ISO 8601 in query/XML.</summary>
public static class Timestamps
{
    public static DateTimeOffset FromEpochSeconds(double seconds)
    {
        // Round to milliseconds: clients send at most millisecond precision and doubles carry noise below it.
        var ms = Math.Round(seconds * 1000.0);
        if (double.IsNaN(ms) || ms < -62135596800000d || ms > 253402300799999d)
        {
            throw new FormatException($"Timestamp {seconds.ToString(CultureInfo.InvariantCulture)} is out of range.");
        }
        return DateTimeOffset.FromUnixTimeMilliseconds((long)ms);
    }

    public static double ToEpochSeconds(DateTimeOffset value) => value.ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>Parses ISO 8601 (any fraction length, Z or offset) or epoch seconds, as query clients send either.</summary>
    public static bool TryParse(string text, out DateTimeOffset value)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value))
        {
            return true;
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds))
        {
            try
            {
                value = FromEpochSeconds(seconds);
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
        }
        return false;
    }

    /// <summary>ISO 8601 with milliseconds, as AWS's XML responses carry them: 2024-05-01T12:00:00.000Z.</summary>
    /// <summary>How awsQuery and XML answers write timestamps: UTC with milliseconds.</summary>
    public const string Iso8601Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static string ToIso8601(DateTimeOffset value) =>
        value.UtcDateTime.ToString(Iso8601Format, CultureInfo.InvariantCulture);
}
