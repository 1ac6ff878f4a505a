using Vigil.Metrics.MetricMath;
using Vigil.Metrics.Model;

namespace Vigil.Metrics.Tests.MetricMath;

/// <summary>Series on a 5-period grid starting Monday 2024-01-01 00:00 UTC, one minute apart.</summary>
internal static class MathTestData
{
    public const long Start = 1_704_067_200;
    public const int Period = 60;
    public static readonly QueryWindow Window = new(Start, Start + (5 * Period), Period);

    /// <summary>A series with a point at period i for every non-null value.</summary>
    public static TimeSeries S(string label, params double?[] values)
    {
        var ts = new List<long>();
        var vs = new List<double>();
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is { } v)
            {
                ts.Add(Start + (i * Period));
                vs.Add(v);
            }
        }
        return new TimeSeries(label, [.. ts], [.. vs]);
    }

    /// <summary>The series as values on the 5-period grid (null where there is no point).</summary>
    public static double?[] Grid(TimeSeries s)
    {
        var result = new double?[5];
        for (var i = 0; i < s.Count; i++)
        {
            var k = (s.Timestamps[i] - Start) / Period;
            (s.Timestamps[i] - Start).ShouldBe(k * Period, "point off the grid");
            result[k] = System.Math.Round(s.Values[i], 9);
        }
        return result;
    }

    public static MetricMathContext Context(params (string Id, TimeSeries Series)[] metrics) =>
        new(Window, [.. metrics.Select(m => new KeyValuePair<string, IReadOnlyList<TimeSeries>>(m.Id, [m.Series]))]);

    public static IReadOnlyList<TimeSeries> Eval(string expression, MetricMathContext context) =>
        MetricMathEvaluator.Evaluate(MetricMathExpression.Parse(expression), context);

    /// <summary>Evaluates an expression that must give exactly one series, as grid values.</summary>
    public static double?[] One(string expression, MetricMathContext context)
    {
        var result = Eval(expression, context);
        result.Count.ShouldBe(1, expression);
        return Grid(result[0]);
    }
}
