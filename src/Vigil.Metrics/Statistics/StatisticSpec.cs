using System.Globalization;
using Vigil.Metrics.Model;

namespace Vigil.Metrics.Statistics;

/// <summary>What a statistic computes.</summary>
public enum StatisticKind : byte
{
    SampleCount,
    Average,
    Sum,
    Minimum,
    Maximum,

    /// <summary><c>pNN.NN</c>: the value at a rank.</summary>
    Percentile,

    /// <summary><c>tmNN</c>, <c>TM(a:b)</c> and <c>IQM</c> (TM(25%:75%)).</summary>
    TrimmedMean,

    /// <summary><c>wmNN</c>, <c>WM(a:b)</c>.</summary>
    WinsorizedMean,

    /// <summary><c>tcNN</c>, <c>TC(a:b)</c>.</summary>
    TrimmedCount,

    /// <summary><c>tsNN</c>, <c>TS(a:b)</c>.</summary>
    TrimmedSum,

    /// <summary><c>PR(a:b)</c>: the percentage of samples in (a, b].</summary>
    PercentileRank,
}

/// <summary>How the boundaries of a range statistic are given.</summary>
public enum StatisticBounds : byte
{
    /// <summary>No boundaries (the five basic statistics and percentiles).</summary>
    None,

    /// <summary>Boundaries are percentiles, 0–100 (<c>TM(10%:90%)</c>, <c>tm90</c>, <c>IQM</c>).</summary>
    Percent,

    /// <summary>Boundaries are metric values (<c>TM(150:1000)</c>, <c>PR(:300)</c>): lower exclusive, upper inclusive.</summary>
    Value,
}

/// <summary>
/// One CloudWatch statistic, parsed: the five basic ones (<c>SampleCount</c>, <c>Average</c>, <c>Sum</c>,
/// <c>Minimum</c>, <c>Maximum</c>) and the extended ones (<c>p99.9</c>, <c>tm90</c>, <c>TM(10%:90%)</c>,
/// <c>TM(150:1000)</c>, <c>wm98</c>, <c>WM(..)</c>, <c>tc90</c>, <c>TC(..)</c>, <c>ts90</c>, <c>TS(..)</c>,
/// <c>PR(100:2000)</c>, <c>IQM</c>).
/// </summary>
/// <remarks>
/// Grammar, from the CloudWatch user guide's statistics definitions (checked 2023 edition of the guide and the API
/// reference):
/// <list type="bullet">
/// <item>Basic names are case-sensitive and exact.</item>
/// <item><c>pX</c>: lowercase <c>p</c>, X a plain decimal in [0, 100] with at most 10 fractional digits (the guide
/// once said 2, it now documents 10, e.g. p95.0123456789).</item>
/// <item><c>tmX</c>, <c>wmX</c>, <c>tcX</c>, <c>tsX</c>: lowercase only, X as for percentiles; means the range
/// (:X%).</item>
/// <item><c>TM(a:b)</c>, <c>WM</c>, <c>TC</c>, <c>TS</c>: uppercase only, either side may be absent but not both; both
/// present sides carry <c>%</c> (percentiles in [0, 100]) or neither does (values, an optional leading minus).
/// Mixed forms, a missing colon, a lowercase name with parentheses and the unparenthesised <c>tm10:90</c> are not
/// documented forms and are rejected.</item>
/// <item><c>PR(a:b)</c>: uppercase, values only (no <c>%</c>), either side may be absent but not both.</item>
/// <item><c>IQM</c>: uppercase, same as TM(25%:75%).</item>
/// <item>With two bounds the lower must be below the upper.</item>
/// </list>
/// <see cref="Name"/> is the text exactly as the caller sent it: GetMetricStatistics keys its ExtendedStatistics
/// map by the requested string and GetMetricData echoes Stat, so "p99.0" stays "p99.0" (never "p99").
/// </remarks>
public readonly struct StatisticSpec : IEquatable<StatisticSpec>
{
    /// <summary>Fractional digits AWS allows in a percentile or percent bound.</summary>
    public const int MaxFractionDigits = 10;

    // Far longer than any valid statistic; caps the work a hostile string can cause.
    private const int MaxLength = 128;

    private StatisticSpec(string name, StatisticKind kind, StatisticBounds bounds, double lower, double upper)
    {
        Name = name;
        Kind = kind;
        Bounds = bounds;
        Lower = lower;
        Upper = upper;
    }

    /// <summary>The statistic's text as the caller sent it, which is how CloudWatch echoes it back.</summary>
    public string Name { get; }

    public StatisticKind Kind { get; }

    public StatisticBounds Bounds { get; }

    /// <summary>Lower bound (percent or value, per <see cref="Bounds"/>); NaN when absent.</summary>
    public double Lower { get; }

    /// <summary>Upper bound (percent or value); for <see cref="StatisticKind.Percentile"/> the percentile; NaN when absent.</summary>
    public double Upper { get; }

    /// <summary>True for everything but the five basic statistics: those need the individual samples.</summary>
    public bool IsExtended => Kind >= StatisticKind.Percentile;

    public static StatisticSpec SampleCount => new("SampleCount", StatisticKind.SampleCount, StatisticBounds.None, double.NaN, double.NaN);
    public static StatisticSpec Average => new("Average", StatisticKind.Average, StatisticBounds.None, double.NaN, double.NaN);
    public static StatisticSpec Sum => new("Sum", StatisticKind.Sum, StatisticBounds.None, double.NaN, double.NaN);
    public static StatisticSpec Minimum => new("Minimum", StatisticKind.Minimum, StatisticBounds.None, double.NaN, double.NaN);
    public static StatisticSpec Maximum => new("Maximum", StatisticKind.Maximum, StatisticBounds.None, double.NaN, double.NaN);

    /// <summary>Parses <paramref name="text"/> or throws <see cref="MetricQueryException"/> with the reason.</summary>
    public static StatisticSpec Parse(string text) =>
        TryParse(text, out var spec, out var error) ? spec : throw new MetricQueryException(error!);

    /// <summary>
    /// Parses a statistic name. Never throws: on failure <paramref name="error"/> says why, in the words the API
    /// layer returns to the caller.
    /// </summary>
    public static bool TryParse(string? text, out StatisticSpec spec, out string? error)
    {
        spec = default;
        error = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "The statistic must not be empty.";
            return false;
        }
        if (text.Length > MaxLength)
        {
            error = $"The statistic is longer than {MaxLength} characters and is not a valid statistic.";
            return false;
        }
        switch (text)
        {
            case "SampleCount":
                spec = new(text, StatisticKind.SampleCount, StatisticBounds.None, double.NaN, double.NaN);
                return true;
            case "Average":
                spec = new(text, StatisticKind.Average, StatisticBounds.None, double.NaN, double.NaN);
                return true;
            case "Sum":
                spec = new(text, StatisticKind.Sum, StatisticBounds.None, double.NaN, double.NaN);
                return true;
            case "Minimum":
                spec = new(text, StatisticKind.Minimum, StatisticBounds.None, double.NaN, double.NaN);
                return true;
            case "Maximum":
                spec = new(text, StatisticKind.Maximum, StatisticBounds.None, double.NaN, double.NaN);
                return true;
            case "IQM":
                spec = new(text, StatisticKind.TrimmedMean, StatisticBounds.Percent, 25, 75);
                return true;
            default:
                break;
        }

        var s = text.AsSpan();
        if (s[0] == 'p')
        {
            if (!TryParseNumber(s[1..], allowSign: false, out var p) || p > 100)
            {
                error = $"The value {text} is not a valid percentile: use p0.0 to p100 with at most {MaxFractionDigits} decimal places.";
                return false;
            }
            spec = new(text, StatisticKind.Percentile, StatisticBounds.None, double.NaN, p);
            return true;
        }

        if (s.Length >= 2 && TryKind(s[..2], out var kind))
        {
            var lowerName = char.IsLower(s[0]);
            var rest = s[2..];
            if (rest.Length > 0 && rest[0] == '(')
            {
                if (lowerName)
                {
                    error = $"The statistic {text} is not valid: a range is written with an uppercase name, as in {UpperName(kind)}(10%:90%).";
                    return false;
                }
                return TryParseRange(text, kind, rest, out spec, out error);
            }
            if (kind == StatisticKind.PercentileRank)
            {
                error = $"The statistic {text} is not valid: percentile rank takes a range of values, as in PR(100:2000) or PR(:300).";
                return false;
            }
            if (!lowerName)
            {
                error = $"The statistic {text} is not valid: the single-number form is lowercase, as in {LowerName(kind)}90.";
                return false;
            }
            if (rest.IndexOf(':') >= 0)
            {
                error = $"The statistic {text} is not valid: write a range in parentheses with percent signs, as in {UpperName(kind)}(10%:90%).";
                return false;
            }
            if (!TryParseNumber(rest, allowSign: false, out var x) || x > 100)
            {
                error = $"The statistic {text} is not valid: {LowerName(kind)} takes a percentage from 0 to 100 with at most {MaxFractionDigits} decimal places.";
                return false;
            }
            spec = new(text, kind, StatisticBounds.Percent, double.NaN, x);
            return true;
        }

        if (s[0] == 'P')
        {
            error = $"The statistic {text} is not valid: percentiles are written with a lowercase p, as in p99.";
            return false;
        }
        error = $"The statistic {text} is not valid. Use SampleCount, Average, Sum, Minimum, Maximum or an extended statistic "
            + "(p99, tm90, TM(10%:90%), wm90, WM(..), tc90, TC(..), ts90, TS(..), PR(a:b), IQM).";
        return false;
    }

    private static bool TryKind(ReadOnlySpan<char> two, out StatisticKind kind)
    {
        kind = default;
        switch (two)
        {
            case "tm" or "TM":
                kind = StatisticKind.TrimmedMean;
                return true;
            case "wm" or "WM":
                kind = StatisticKind.WinsorizedMean;
                return true;
            case "tc" or "TC":
                kind = StatisticKind.TrimmedCount;
                return true;
            case "ts" or "TS":
                kind = StatisticKind.TrimmedSum;
                return true;
            case "PR":
                kind = StatisticKind.PercentileRank;
                return true;
            default:
                return false;
        }
    }

    private static string UpperName(StatisticKind kind) => kind switch
    {
        StatisticKind.TrimmedMean => "TM",
        StatisticKind.WinsorizedMean => "WM",
        StatisticKind.TrimmedCount => "TC",
        StatisticKind.TrimmedSum => "TS",
        _ => "PR",
    };

    private static string LowerName(StatisticKind kind) => UpperName(kind).ToLowerInvariant();

    // rest is "(lower:upper)" after the two-letter name.
    private static bool TryParseRange(string text, StatisticKind kind, ReadOnlySpan<char> rest, out StatisticSpec spec, out string? error)
    {
        spec = default;
        error = null;
        var name = UpperName(kind);
        if (rest.Length < 2 || rest[^1] != ')')
        {
            error = $"The statistic {text} is not valid: expected {name}(lower:upper) with a closing parenthesis.";
            return false;
        }
        var inner = rest[1..^1];
        var colon = inner.IndexOf(':');
        if (colon < 0 || inner[(colon + 1)..].IndexOf(':') >= 0)
        {
            error = $"The statistic {text} is not valid: expected one colon between the bounds, as in {name}(10%:90%) or {name}(:95%).";
            return false;
        }
        var lo = inner[..colon];
        var hi = inner[(colon + 1)..];
        if (lo.IsEmpty && hi.IsEmpty)
        {
            error = $"The statistic {text} is not valid: give at least one bound.";
            return false;
        }
        var loPercent = !lo.IsEmpty && lo[^1] == '%';
        var hiPercent = !hi.IsEmpty && hi[^1] == '%';
        var percent = loPercent || hiPercent;
        if (!lo.IsEmpty && !hi.IsEmpty && loPercent != hiPercent)
        {
            error = $"The statistic {text} is not valid: both bounds must be percentages or both must be values.";
            return false;
        }
        if (percent && kind == StatisticKind.PercentileRank)
        {
            error = $"The statistic {text} is not valid: percentile rank bounds are metric values, not percentages.";
            return false;
        }
        var lower = double.NaN;
        var upper = double.NaN;
        if (!lo.IsEmpty && !TryBound(percent ? lo[..^1] : lo, percent, out lower))
        {
            error = BoundError(text, percent);
            return false;
        }
        if (!hi.IsEmpty && !TryBound(percent ? hi[..^1] : hi, percent, out upper))
        {
            error = BoundError(text, percent);
            return false;
        }
        if (!lo.IsEmpty && !hi.IsEmpty && !(lower < upper))
        {
            error = $"The statistic {text} is not valid: the lower bound must be less than the upper bound.";
            return false;
        }
        spec = new(text, kind, percent ? StatisticBounds.Percent : StatisticBounds.Value, lower, upper);
        return true;
    }

    private static bool TryBound(ReadOnlySpan<char> s, bool percent, out double value) =>
        TryParseNumber(s, allowSign: !percent, out value) && (!percent || value <= 100);

    private static string BoundError(string text, bool percent) => percent
        ? $"The statistic {text} is not valid: percentages must be from 0 to 100 with at most {MaxFractionDigits} decimal places."
        : $"The statistic {text} is not valid: bounds must be plain decimal numbers with at most {MaxFractionDigits} decimal places.";

    // Plain decimal: [-]digits[.digits], at most MaxFractionDigits after the point, no exponent, no spaces.
    private static bool TryParseNumber(ReadOnlySpan<char> s, bool allowSign, out double value)
    {
        value = double.NaN;
        var i = 0;
        if (allowSign && s.Length > 0 && s[0] == '-')
        {
            i = 1;
        }
        var intStart = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }
        if (i == intStart || i - intStart > 20)
        {
            return false;
        }
        if (i < s.Length)
        {
            if (s[i] != '.')
            {
                return false;
            }
            var fracStart = ++i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }
            if (i != s.Length || i == fracStart || i - fracStart > MaxFractionDigits)
            {
                return false;
            }
        }
        value = double.Parse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        if (value == 0)
        {
            value = 0; // no negative zero
        }
        return true;
    }

    public bool Equals(StatisticSpec other) => string.Equals(Name, other.Name, StringComparison.Ordinal);
    public override bool Equals(object? obj) => obj is StatisticSpec other && Equals(other);
    public override int GetHashCode() => Name is null ? 0 : StringComparer.Ordinal.GetHashCode(Name);
    public static bool operator ==(StatisticSpec left, StatisticSpec right) => left.Equals(right);
    public static bool operator !=(StatisticSpec left, StatisticSpec right) => !left.Equals(right);
    public override string ToString() => Name ?? "";
}
