namespace Vigil.Metrics.Statistics;

/// <summary>
/// The extended statistics over an ascending sequence of (value, weight) entries: the exact samples of a
/// <see cref="SampleSet"/> or the buckets of a <see cref="RelativeErrorSketch"/>. One implementation, so the sketch
/// answers with the same rank conventions as the exact path.
/// </summary>
/// <remarks>
/// Conventions (N = total weight; a weight-w entry counts as w samples, occupying ranks (C_prev, C_prev + w]):
/// <list type="bullet">
/// <item>pX is nearest rank: the value of the sample at rank ceil(X·N/100), at least rank 1 (so p0 is the minimum,
/// p100 the maximum; no interpolation: CloudWatch reports values that occurred).</item>
/// <item>Percent ranges (a%:b%) keep the samples ranked in (floor(a·N/100), ceil(b·N/100)]: tmX averages exactly
/// the samples up to and including pX, and the lower edge drops the samples wholly inside the lowest a%. An entry
/// straddling an edge contributes the part of its weight inside.</item>
/// <item>Value ranges (x:y) keep x &lt; v ≤ y (lower exclusive, upper inclusive, as AWS documents).</item>
/// <item>WM replaces samples outside the range by the range's edge value (for percent ranges the first and last
/// kept samples, for value ranges x and y) and averages all N.</item>
/// <item>PR is 100 · (weight in (x, y]) / N.</item>
/// <item>Empty ranges: TM and WM have no value (NaN); TC and TS are 0.</item>
/// </list>
/// </remarks>
internal static class RankedStatistics
{
    // Percent bounds times N rarely land exactly on an integer in binary floating point (0.07·100 = 7.000000000000001);
    // snap within this relative tolerance so tm93 over 100 samples keeps 93 of them.
    private const double Snap = 1e-9;

    internal static double CeilRank(double x) => Math.Ceiling(x - Snap * Math.Max(1, Math.Abs(x)));

    internal static double FloorRank(double x) => Math.Floor(x + Snap * Math.Max(1, Math.Abs(x)));

    /// <summary>The cumulative weight that reaches nearest rank ceil(q·N), less the snap tolerance.</summary>
    internal static double RankTarget(double total, double q) => q * total - Snap * Math.Max(1, total);

    /// <summary>
    /// Index of the entry holding nearest rank ceil(q·N), q in [0, 1]: the first entry whose cumulative weight
    /// reaches q·N. With whole weights cumulative sums are integers, so that is the same as reaching ceil(q·N); with
    /// fractional weights it is the natural extension.
    /// </summary>
    internal static int RankIndex(ReadOnlySpan<double> weights, double total, double q)
    {
        var target = RankTarget(total, q);
        var cumulative = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            cumulative += weights[i];
            if (cumulative >= target)
            {
                return i;
            }
        }
        return weights.Length - 1;
    }

    internal static double Compute(in StatisticSpec spec, ReadOnlySpan<double> values, ReadOnlySpan<double> weights, double total)
    {
        if (values.IsEmpty || !(total > 0))
        {
            return double.NaN;
        }
        if (spec.Kind == StatisticKind.Percentile)
        {
            return values[RankIndex(weights, total, spec.Upper / 100)];
        }
        return spec.Bounds == StatisticBounds.Percent
            ? ComputePercentRange(spec.Kind, spec.Lower, spec.Upper, values, weights, total)
            : ComputeValueRange(spec.Kind, spec.Lower, spec.Upper, values, weights, total);
    }

    private static double ComputePercentRange(StatisticKind kind, double lowerPercent, double upperPercent,
        ReadOnlySpan<double> values, ReadOnlySpan<double> weights, double total)
    {
        var low = double.IsNaN(lowerPercent) ? 0 : FloorRank(lowerPercent / 100 * total);
        var high = double.IsNaN(upperPercent) ? total : Math.Min(total, CeilRank(upperPercent / 100 * total));
        double keptWeight = 0, keptSum = 0, below = 0, above = 0;
        double first = double.NaN, last = double.NaN;
        var cumulative = 0.0;
        for (var i = 0; i < values.Length; i++)
        {
            var start = cumulative;
            cumulative += weights[i];
            var inside = Math.Min(cumulative, high) - Math.Max(start, low);
            if (inside > 0)
            {
                if (double.IsNaN(first))
                {
                    first = values[i];
                }
                last = values[i];
                keptWeight += inside;
                keptSum += inside * values[i];
            }
            below += Math.Max(0, Math.Min(cumulative, low) - start);
            above += Math.Max(0, cumulative - Math.Max(start, high));
        }
        return Finish(kind, keptWeight, keptSum, below * first + keptSum + above * last, total);
    }

    private static double ComputeValueRange(StatisticKind kind, double lower, double upper,
        ReadOnlySpan<double> values, ReadOnlySpan<double> weights, double total)
    {
        var hasLower = !double.IsNaN(lower);
        var hasUpper = !double.IsNaN(upper);
        double keptWeight = 0, keptSum = 0, winsorized = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            var w = weights[i];
            if (hasLower && v <= lower)
            {
                winsorized += w * lower;
            }
            else if (hasUpper && v > upper)
            {
                winsorized += w * upper;
            }
            else
            {
                keptWeight += w;
                keptSum += w * v;
                winsorized += w * v;
            }
        }
        return kind == StatisticKind.WinsorizedMean
            ? winsorized / total
            : Finish(kind, keptWeight, keptSum, winsorized, total);
    }

    private static double Finish(StatisticKind kind, double keptWeight, double keptSum, double winsorizedSum, double total) => kind switch
    {
        StatisticKind.TrimmedMean => keptWeight > 0 ? keptSum / keptWeight : double.NaN,
        StatisticKind.TrimmedCount => keptWeight,
        StatisticKind.TrimmedSum => keptSum,
        StatisticKind.WinsorizedMean => keptWeight > 0 ? winsorizedSum / total : double.NaN,
        StatisticKind.PercentileRank => 100 * keptWeight / total,
        _ => double.NaN,
    };
}
