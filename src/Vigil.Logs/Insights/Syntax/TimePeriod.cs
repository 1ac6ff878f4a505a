namespace Vigil.Logs.Insights.Syntax;

public enum TimeUnit : byte
{
    Millisecond,
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

/// <summary>A time literal such as <c>5m</c> or <c>1qtr</c>: a positive count of a unit.</summary>
public readonly record struct TimePeriod(long Count, TimeUnit Unit)
{
    private static readonly Dictionary<string, TimeUnit> Units = BuildUnits();

    /// <summary>Fixed length in milliseconds; months, quarters and years are calendar units and have none.</summary>
    public long? FixedMilliseconds => Unit switch
    {
        TimeUnit.Millisecond => Count,
        TimeUnit.Second => Count * 1_000,
        TimeUnit.Minute => Count * 60_000,
        TimeUnit.Hour => Count * 3_600_000,
        TimeUnit.Day => Count * 86_400_000,
        TimeUnit.Week => Count * 604_800_000,
        _ => null,
    };

    /// <summary>AWS's unit names and abbreviations; every name longer than one letter also takes a plural "s".</summary>
    public static bool TryParseUnit(ReadOnlySpan<char> text, out TimeUnit unit)
    {
        var lookup = Units.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(text, out unit))
        {
            return true;
        }

        return text.Length > 2 && (text[^1] is 's' or 'S') && lookup.TryGetValue(text[..^1], out unit) && !text[..^1].Equals("m", StringComparison.OrdinalIgnoreCase);
    }

    public override string ToString() => Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + Unit switch
    {
        TimeUnit.Millisecond => "ms",
        TimeUnit.Second => "s",
        TimeUnit.Minute => "m",
        TimeUnit.Hour => "h",
        TimeUnit.Day => "d",
        TimeUnit.Week => "w",
        TimeUnit.Month => "mo",
        TimeUnit.Quarter => "q",
        _ => "y",
    };

    private static Dictionary<string, TimeUnit> BuildUnits()
    {
        var units = new Dictionary<string, TimeUnit>(StringComparer.OrdinalIgnoreCase);
        void Add(TimeUnit unit, params string[] names)
        {
            foreach (var name in names)
            {
                units[name] = unit;
            }
        }

        Add(TimeUnit.Millisecond, "ms", "msec", "millisecond");
        Add(TimeUnit.Second, "s", "sec", "second");
        Add(TimeUnit.Minute, "m", "min", "minute");
        Add(TimeUnit.Hour, "h", "hr", "hour");
        Add(TimeUnit.Day, "d", "day");
        Add(TimeUnit.Week, "w", "week");
        Add(TimeUnit.Month, "mo", "mon", "month");
        Add(TimeUnit.Quarter, "q", "qtr", "quarter");
        Add(TimeUnit.Year, "y", "yr", "year");
        return units;
    }
}
