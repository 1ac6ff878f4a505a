using Vigil.Metrics.Model;

namespace Vigil.Metrics.MetricMath;

/// <summary>FILL (constant, REPEAT, LINEAR) and IF over series and scalars.</summary>
public static partial class MetricMathEvaluator
{
    private sealed partial class Run
    {
        private MathValue Fill(CallNode c, MathValue target)
        {
            var filler = Eval(c.Arguments[1]);
            switch (filler)
            {
                case WordValue { Word: "REPEAT" or "LINEAR" }:
                case ScalarValue:
                case SeriesValue:
                    break;
                default:
                    throw TypeError("FILL", c.Column, "a number, a time series, REPEAT or LINEAR", filler);
            }
            return MapSeriesOrArray(target, s => FillOne(s, filler), "FILL", c.Column);
        }

        private SeriesValue FillOne(SeriesValue s, MathValue filler)
        {
            CheckGrid(_window, s.Period);
            var src = s.Series;
            var ts = new List<long>(src.Count);
            var vs = new List<double>(src.Count);
            var i = 0;
            var t = _window.Start;
            // Merge the window's period grid with the points the series has (which may lie off the grid).
            while (i < src.Count || t < _window.End)
            {
                if (i < src.Count && (t >= _window.End || src.Timestamps[i] <= t))
                {
                    if (src.Timestamps[i] == t)
                    {
                        t += s.Period;
                    }
                    ts.Add(src.Timestamps[i]);
                    vs.Add(src.Values[i]);
                    i++;
                    continue;
                }
                var v = FillValue(src, i, t, filler);
                if (double.IsFinite(v))
                {
                    ts.Add(t);
                    vs.Add(v);
                }
                t += s.Period;
            }
            return SeriesValue.Of(src.Label, ts, vs, s.Period);
        }

        /// <summary>The filler for missing timestamp <paramref name="t"/>; <paramref name="next"/> is the first point after it.</summary>
        private static double FillValue(TimeSeries src, int next, long t, MathValue filler)
        {
            switch (filler)
            {
                case ScalarValue sc:
                    return sc.Value;
                case SeriesValue other:
                    {
                        var k = Array.BinarySearch(other.Series.Timestamps, t);
                        return k >= 0 ? other.Series.Values[k] : double.NaN;
                    }
                case WordValue { Word: "REPEAT" }:
                    return next > 0 ? src.Values[next - 1] : double.NaN;
                default:
                    if (next == 0 || next >= src.Count)
                    {
                        return double.NaN;
                    }
                    var (t0, v0, t1, v1) = (src.Timestamps[next - 1], src.Values[next - 1], src.Timestamps[next], src.Values[next]);
                    return v0 + ((v1 - v0) * (t - t0) / (t1 - t0));
            }
        }

        private MathValue If(CallNode c)
        {
            var cond = Eval(c.Arguments[0]);
            var whenTrue = Eval(c.Arguments[1]);
            var whenFalse = c.Arguments.Count == 3 ? Eval(c.Arguments[2]) : null;
            foreach (var v in (ReadOnlySpan<MathValue?>)[whenTrue, whenFalse])
            {
                if (v is not (null or ScalarValue or SeriesValue))
                {
                    throw TypeError("IF", c.Column, "a number or a time series as the value", v);
                }
            }
            switch (cond)
            {
                case ScalarValue s:
                    if (double.IsNaN(s.Value))
                    {
                        return new SeriesValue(TimeSeries.Empty(""), _window.Period);
                    }
                    return s.Value != 0 ? whenTrue : whenFalse ?? new SeriesValue(TimeSeries.Empty(""), _window.Period);
                case SeriesValue s:
                    return IfSeries(s, whenTrue, whenFalse);
                case ArrayValue a:
                    return new ArrayValue([.. a.Items.Select(s => IfSeries(s, whenTrue, whenFalse))]);
                default:
                    throw TypeError("IF", c.Column, "a condition (a number or a time series)", cond);
            }
        }

        private static SeriesValue IfSeries(SeriesValue cond, MathValue whenTrue, MathValue? whenFalse)
        {
            var src = cond.Series;
            var ts = new List<long>(src.Count);
            var vs = new List<double>(src.Count);
            for (var i = 0; i < src.Count; i++)
            {
                var t = src.Timestamps[i];
                double v;
                if (src.Values[i] != 0)
                {
                    // True and the chosen series has no point here: the guide says 0.
                    v = whenTrue is ScalarValue a ? a.Value : ValueAt(((SeriesValue)whenTrue).Series, t, 0);
                }
                else
                {
                    v = whenFalse switch
                    {
                        ScalarValue b => b.Value,
                        SeriesValue b => ValueAt(b.Series, t, double.NaN),
                        _ => double.NaN,
                    };
                }
                if (double.IsFinite(v))
                {
                    ts.Add(t);
                    vs.Add(v);
                }
            }
            return SeriesValue.Of(src.Label, ts, vs, cond.Period);
        }

        private static double ValueAt(TimeSeries s, long t, double missing)
        {
            var k = Array.BinarySearch(s.Timestamps, t);
            return k >= 0 ? s.Values[k] : missing;
        }
    }
}
