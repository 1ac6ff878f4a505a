using Vigil.Metrics.Engine;
using Vigil.Metrics.Model;

namespace Vigil.Metrics.Api;

/// <summary>
/// CloudWatch's rules for a query's time range and period: valid periods (1, 5, 10, 20, 30 or a multiple of 60),
/// start times rounded down by age (minute under 15 days, 5 minutes to 63 days, hour beyond; sub-minute periods to
/// their division of the minute) and the retention tiers that decide which periods can still be served for old data
/// (under 3 h: any; to 15 days: multiples of 60; to 63 days: of 300; beyond: of 3600; otherwise no datapoints).
/// </summary>
internal static class TimeRules
{
    public const long ThreeHours = 3 * 3600;
    private const long FifteenDays = MetricStore.RawRetentionSeconds;
    private const long SixtyThreeDays = MetricStore.FiveMinuteRetentionSeconds;

    public static bool IsValidPeriod(int period) => period is 1 or 5 or 10 or 20 or 30 || (period > 0 && period % 60 == 0);

    public static void CheckPeriod(int period, string parameter)
    {
        if (!IsValidPeriod(period))
        {
            throw MetricErrors.InvalidValue($"The parameter {parameter} must be 1, 5, 10, 20, 30, or any multiple of 60.");
        }
    }

    /// <summary>The window CloudWatch evaluates: start rounded down as documented, periods aligned to it.</summary>
    public static QueryWindow Window(DateTimeOffset start, DateTimeOffset end, int period, DateTimeOffset now)
    {
        var s = start.ToUnixTimeSeconds();
        var age = now.ToUnixTimeSeconds() - s;
        var granularity = period < 60 ? period : age > SixtyThreeDays ? 3600 : age > FifteenDays ? 300 : 60;
        s -= ((s % granularity) + granularity) % granularity;
        var e = end.ToUnixTimeSeconds() + (end.Millisecond > 0 ? 1 : 0);
        return new QueryWindow(s, e, period);
    }

    /// <summary>False when the data at the window's age is only kept at a coarser resolution than the period.</summary>
    public static bool PeriodServable(QueryWindow window, DateTimeOffset now)
    {
        var age = now.ToUnixTimeSeconds() - window.Start;
        return age <= ThreeHours
            || (age <= FifteenDays && window.Period % 60 == 0)
            || (age <= SixtyThreeDays && window.Period % 300 == 0)
            || window.Period % 3600 == 0;
    }
}
