using Vigil.Logs.Insights.Syntax;

namespace Vigil.Logs.Insights.Functions;

/// <summary>
/// <c>datefloor</c>, <c>dateceil</c> and <c>bin</c> in UTC. Fixed units are aligned to the Unix epoch, except weeks,
/// which start on Monday; months, quarters and years are calendar units aligned to multiples of their count since
/// year 0 (so <c>3mo</c> buckets are quarters).
/// </summary>
internal static class TimeBuckets
{
    private const long Day = 86_400_000;

    /// <summary>1970-01-01 was a Thursday: Monday-aligned weeks start 4 days after the epoch.</summary>
    private const long MondayOffset = 4 * Day;

    public static long Floor(long milliseconds, TimePeriod period)
    {
        if (period.FixedMilliseconds is { } size)
        {
            var offset = period.Unit == TimeUnit.Week ? MondayOffset : 0;
            return (FloorDiv(milliseconds - offset, size) * size) + offset;
        }

        var time = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds).UtcDateTime;
        var months = period.Unit switch
        {
            TimeUnit.Month => period.Count,
            TimeUnit.Quarter => period.Count * 3,
            _ => period.Count * 12,
        };
        var index = (time.Year * 12L) + time.Month - 1;
        var floored = index - (index % months);
        return floored < 12 ? DateTimeOffset.MinValue.ToUnixTimeMilliseconds() : new DateTimeOffset((int)(floored / 12), (int)(floored % 12) + 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    }

    public static long Ceiling(long milliseconds, TimePeriod period)
    {
        var floor = Floor(milliseconds, period);
        if (floor == milliseconds)
        {
            return floor;
        }

        if (period.FixedMilliseconds is { } size)
        {
            return floor + size;
        }

        var months = period.Unit switch
        {
            TimeUnit.Month => period.Count,
            TimeUnit.Quarter => period.Count * 3,
            _ => period.Count * 12,
        };
        return DateTimeOffset.FromUnixTimeMilliseconds(floor).AddMonths((int)months).ToUnixTimeMilliseconds();
    }

    /// <summary>The range where calendar arithmetic is defined (years 1 to 9998), so no input can throw.</summary>
    public static bool InRange(long milliseconds) => milliseconds is >= -62_135_596_800_000L and <= 253_370_764_800_000L;

    private static long FloorDiv(long a, long b) => (a / b) - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}
