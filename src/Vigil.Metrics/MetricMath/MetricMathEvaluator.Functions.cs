using System.Globalization;
using Vigil.Metrics.Model;

namespace Vigil.Metrics.MetricMath;

/// <summary>The function table's implementations (METRICS, SEARCH, SORT, aggregates, date parts …; FILL and IF in
/// MetricMathEvaluator.FillAndIf.cs).</summary>
public static partial class MetricMathEvaluator
{
    private sealed partial class Run
    {
        // ---- functions ------------------------------------------------------------------------------------

        private MathValue Call(CallNode c)
        {
            var name = c.Name;
            switch (name)
            {
                case "METRICS":
                    return Metrics(c);
                case "SEARCH":
                    return Search(c);
                case "PERIOD":
                    return Period(c);
                case "IF":
                    return If(c);
                case "TIME_SERIES":
                    {
                        var v = Eval(c.Arguments[0]) as ScalarValue ?? throw TypeError(name, c.Column, "a scalar", Eval(c.Arguments[0]));
                        return Grid(_window.Period, t => v.Value);
                    }
            }

            var arg = Eval(c.Arguments[0]);
            switch (name)
            {
                case "ABS":
                    return MapNumeric(arg, System.Math.Abs, name, c.Column);
                case "CEIL":
                    return MapNumeric(arg, System.Math.Ceiling, name, c.Column);
                case "FLOOR":
                    return MapNumeric(arg, System.Math.Floor, name, c.Column);
                case "LOG":
                    return MapNumeric(arg, System.Math.Log, name, c.Column);
                case "LOG10":
                    return MapNumeric(arg, System.Math.Log10, name, c.Column);
                case "SUM" or "AVG" or "MIN" or "MAX" or "STDDEV" or "DATAPOINT_COUNT":
                    return Aggregate(name, arg, c.Column);
                case "DIFF" or "DIFF_TIME" or "RATE" or "RUNNING_SUM":
                    return MapSeriesOrArray(arg, s => Successive(name, s), name, c.Column);
                case "MINUTE" or "HOUR" or "DAY" or "DATE" or "MONTH" or "YEAR" or "EPOCH":
                    return MapSeriesOrArray(arg, s => DatePart(name, s.Period), name, c.Column);
                case "FILL":
                    return Fill(c, arg);
                case "FIRST" or "LAST":
                    {
                        var items = AsArray(arg, name, c.Column);
                        if (items.Count == 0)
                        {
                            return new SeriesValue(TimeSeries.Empty(""), _window.Period);
                        }
                        return name == "FIRST" ? items[0] : items[^1];
                    }
                case "REMOVE_EMPTY":
                    return new ArrayValue([.. AsArray(arg, name, c.Column).Where(s => s.Series.Count > 0)]);
                case "METRIC_COUNT":
                    return new ScalarValue(AsArray(arg, name, c.Column).Count);
                case "SLICE":
                    return Slice(c, AsArray(arg, name, c.Column));
                case "SORT":
                    return Sort(c, AsArray(arg, name, c.Column));
                default:
                    throw new MetricQueryException($"Unrecognized function '{name}' at column {Col(c.Column)}.");
            }
        }

        private static IReadOnlyList<SeriesValue> AsArray(MathValue value, string function, int column) => value switch
        {
            ArrayValue a => a.Items,
            // A lone series is an array of one, as [m1] would be.
            SeriesValue s => [s],
            _ => throw TypeError(function, column, "an array of time series", value),
        };

        private ArrayValue Metrics(CallNode c)
        {
            string? filter = null;
            if (c.Arguments.Count == 1)
            {
                var arg = Eval(c.Arguments[0]);
                filter = (arg as TextValue)?.Text ?? throw TypeError("METRICS", c.Column, "a string", arg);
            }
            var items = new List<SeriesValue>();
            foreach (var (id, series) in ctx.Series)
            {
                if (ctx.ExpressionIds.Contains(id) || (filter is not null && !id.Contains(filter, StringComparison.Ordinal)))
                {
                    continue;
                }
                var period = ctx.PeriodOf(id);
                foreach (var s in series)
                {
                    items.Add(new SeriesValue(s, period));
                }
            }
            return new ArrayValue(items);
        }

        private ArrayValue Search(CallNode c)
        {
            var search = ctx.Search ?? throw new MetricQueryException($"SEARCH (column {Col(c.Column)}) is not available here.");
            var query = Eval(c.Arguments[0]) as TextValue ?? throw TypeError("SEARCH", c.Column, "a search expression string", Eval(c.Arguments[0]));
            var stat = Eval(c.Arguments[1]) switch
            {
                TextValue t => t.Text,
                // SEARCH('…', Average) without quotes reads the statistic as a keyword.
                WordValue w => w.Word,
                var other => throw TypeError("SEARCH", c.Column, "a statistic name", other),
            };
            var period = _window.Period;
            if (c.Arguments.Count == 3)
            {
                var p = Eval(c.Arguments[2]) as ScalarValue;
                if (p is null || p.Value < 1 || p.Value > int.MaxValue || p.Value != System.Math.Floor(p.Value))
                {
                    throw new MetricQueryException($"The period of SEARCH at column {Col(c.Column)} must be a positive whole number of seconds.");
                }
                period = (int)p.Value;
            }
            var found = search(query.Text, stat, period);
            return new ArrayValue([.. found.Select(s => new SeriesValue(s, period))]);
        }

        private ScalarValue Period(CallNode c)
        {
            if (c.Arguments[0] is not IdNode id || ctx.ExpressionIds.Contains(id.Id))
            {
                throw new MetricQueryException(
                    $"PERIOD at column {Col(c.Column)} takes the id of a metric, not an expression or the result of another expression.");
            }
            _ = Reference(id);
            return new ScalarValue(ctx.PeriodOf(id.Id));
        }

        private SeriesValue Grid(int period, Func<long, double> value)
        {
            CheckGrid(_window, period);
            var ts = new List<long>();
            var vs = new List<double>();
            for (var t = _window.Start; t < _window.End; t += period)
            {
                var v = value(t);
                if (double.IsFinite(v))
                {
                    ts.Add(t);
                    vs.Add(v);
                }
            }
            return SeriesValue.Of("", ts, vs, period);
        }

        private SeriesValue DatePart(string name, int period) => Grid(period, t =>
        {
            var d = DateTimeOffset.FromUnixTimeSeconds(t).UtcDateTime;
            return name switch
            {
                "MINUTE" => d.Minute,
                "HOUR" => d.Hour,
                // Monday 1 … Sunday 7.
                "DAY" => d.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)d.DayOfWeek,
                "DATE" => d.Day,
                "MONTH" => d.Month,
                "YEAR" => d.Year,
                _ => t,
            };
        });

        private static MathValue Aggregate(string name, MathValue arg, int column)
        {
            switch (arg)
            {
                case SeriesValue s:
                    return new ScalarValue(Reduce(name, s.Series.Values));
                case ArrayValue a:
                    return AcrossArray(name, a.Items);
                default:
                    throw TypeError(name, column, "a time series or an array of time series", arg);
            }
        }

        private static double Reduce(string name, ReadOnlySpan<double> values)
        {
            if (name == "DATAPOINT_COUNT")
            {
                return values.Length;
            }
            if (values.IsEmpty)
            {
                return name == "SUM" ? 0 : double.NaN;
            }
            double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
            foreach (var v in values)
            {
                sum += v;
                min = System.Math.Min(min, v);
                max = System.Math.Max(max, v);
            }
            var mean = sum / values.Length;
            switch (name)
            {
                case "SUM":
                    return sum;
                case "AVG":
                    return mean;
                case "MIN":
                    return min;
                case "MAX":
                    return max;
            }
            double sq = 0;
            foreach (var v in values)
            {
                sq += (v - mean) * (v - mean);
            }
            return System.Math.Sqrt(sq / values.Length);
        }

        private static SeriesValue AcrossArray(string name, IReadOnlyList<SeriesValue> items)
        {
            var period = items.Count > 0 ? items[0].Period : 60;
            var times = UnionTimestamps(items);
            var cursor = new int[items.Count];
            var present = new double[items.Count];
            var vs = new List<double>(times.Length);
            var ts = new List<long>(times.Length);
            foreach (var t in times)
            {
                var n = 0;
                for (var k = 0; k < items.Count; k++)
                {
                    var s = items[k].Series;
                    var i = cursor[k];
                    if (i < s.Count && s.Timestamps[i] == t)
                    {
                        present[n++] = s.Values[i];
                        cursor[k] = i + 1;
                    }
                }
                double v = name switch
                {
                    "DATAPOINT_COUNT" => n,
                    // Missing counts as 0: the sum is unchanged and AVG divides by every series.
                    "AVG" => Reduce("SUM", present.AsSpan(0, n)) / items.Count,
                    _ => Reduce(name, present.AsSpan(0, n)),
                };
                if (double.IsFinite(v))
                {
                    ts.Add(t);
                    vs.Add(v);
                }
            }
            return SeriesValue.Of("", ts, vs, period);
        }

        private static long[] UnionTimestamps(IReadOnlyList<SeriesValue> items)
        {
            var all = new List<long>();
            foreach (var s in items)
            {
                all.AddRange(s.Series.Timestamps);
            }
            all.Sort();
            var n = 0;
            for (var i = 0; i < all.Count; i++)
            {
                if (n == 0 || all[i] != all[n - 1])
                {
                    all[n++] = all[i];
                }
            }
            return [.. all.Take(n)];
        }

        private static SeriesValue Successive(string name, SeriesValue s)
        {
            var src = s.Series;
            var ts = new List<long>(src.Count);
            var vs = new List<double>(src.Count);
            double running = 0;
            for (var i = 0; i < src.Count; i++)
            {
                double v;
                if (name == "RUNNING_SUM")
                {
                    running += src.Values[i];
                    v = running;
                }
                else if (i == 0)
                {
                    continue;
                }
                else
                {
                    var dt = src.Timestamps[i] - src.Timestamps[i - 1];
                    var dv = src.Values[i] - src.Values[i - 1];
                    v = name switch
                    {
                        "DIFF" => dv,
                        "DIFF_TIME" => dt,
                        _ => dv / dt,
                    };
                }
                if (double.IsFinite(v))
                {
                    ts.Add(src.Timestamps[i]);
                    vs.Add(v);
                }
            }
            return SeriesValue.Of(src.Label, ts, vs, s.Period);
        }

        private int WholeNumber(MathNode node, string function, string what)
        {
            var v = Eval(node);
            if (v is not ScalarValue s || s.Value < 0 || s.Value > int.MaxValue || s.Value != System.Math.Floor(s.Value))
            {
                throw new MetricQueryException(
                    $"The {what} of {function} at column {Col(node.Column)} must be a whole number of 0 or more.");
            }
            return (int)s.Value;
        }

        private ArrayValue Slice(CallNode c, IReadOnlyList<SeriesValue> items)
        {
            var start = System.Math.Min(WholeNumber(c.Arguments[1], "SLICE", "start"), items.Count);
            var end = c.Arguments.Count == 3 ? System.Math.Min(WholeNumber(c.Arguments[2], "SLICE", "end"), items.Count) : items.Count;
            return new ArrayValue(end <= start ? [] : [.. items.Skip(start).Take(end - start)]);
        }

        private ArrayValue Sort(CallNode c, IReadOnlyList<SeriesValue> items)
        {
            var by = Eval(c.Arguments[1]) is WordValue { Word: "AVG" or "MIN" or "MAX" or "SUM" } w ? w.Word
                : throw new MetricQueryException($"The second argument of SORT at column {Col(c.Arguments[1].Column)} must be AVG, MIN, MAX or SUM.");
            var descending = Eval(c.Arguments[2]) switch
            {
                WordValue { Word: "ASC" } => false,
                WordValue { Word: "DESC" } => true,
                _ => throw new MetricQueryException($"The third argument of SORT at column {Col(c.Arguments[2].Column)} must be ASC or DESC."),
            };
            var limit = c.Arguments.Count == 4 ? WholeNumber(c.Arguments[3], "SORT", "limit") : int.MaxValue;
            var keyed = items.Select((s, i) => (s, i, key: Reduce(by, s.Series.Values))).ToArray();
            Array.Sort(keyed, (x, y) =>
            {
                // Series without data sort last either way; equal keys keep their order.
                var xn = double.IsNaN(x.key) || x.s.Series.Count == 0;
                var yn = double.IsNaN(y.key) || y.s.Series.Count == 0;
                if (xn != yn)
                {
                    return xn ? 1 : -1;
                }
                var cmp = xn ? 0 : x.key.CompareTo(y.key);
                if (descending)
                {
                    cmp = -cmp;
                }
                return cmp != 0 ? cmp : x.i.CompareTo(y.i);
            });
            return new ArrayValue([.. keyed.Take(limit).Select(k => k.s)]);
        }
    }
}
