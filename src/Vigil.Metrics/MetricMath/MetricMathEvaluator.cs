using System.Globalization;
using Vigil.Metrics.Model;

namespace Vigil.Metrics.MetricMath;

/// <summary>
/// Evaluates a <see cref="MetricMathExpression"/>. The rules, following CloudWatch's user guide ("Use metric math"):
/// <list type="bullet">
/// <item>Values are scalars (S), single series (TS) or arrays of series (TS[]). The final result must be TS or TS[];
/// a scalar result is an error.</item>
/// <item>TS op TS (arithmetic, comparison, AND/OR) runs over the union of both series' timestamps; a value missing on
/// one side counts as 0. TS op S applies S to every point. TS[] op S and TS[] op TS apply to each element;
/// TS[] op TS[] is an error.</item>
/// <item>A point whose result is not a finite number (division by zero, LOG of 0 or of a negative) is dropped.
/// A scalar without a value (MIN of an empty series) is NaN and drops every point it touches.</item>
/// <item>Comparisons give 1 or 0; AND/OR/NOT treat any non-zero value as true.</item>
/// <item>SUM, AVG, MIN, MAX, STDDEV (population), DATAPOINT_COUNT of a TS give a scalar over its points (SUM and
/// DATAPOINT_COUNT of an empty series are 0, the others have no value). Of a TS[] they give a TS over the union of
/// timestamps: SUM and AVG count a missing value as 0 (AVG divides by the number of series), MIN, MAX and STDDEV
/// use the values present, DATAPOINT_COUNT counts them.</item>
/// <item>DIFF, DIFF_TIME, RATE and RUNNING_SUM step from one present point to the previous present point, so
/// gaps are spanned (RATE divides by the seconds between them); the first point has no predecessor and is dropped.</item>
/// <item>FILL fills the periods of the window (stepping by the series' period from the window start) that have no
/// point: with a scalar, with another series' value at that timestamp, with the last earlier value (REPEAT; a
/// leading gap stays empty) or by linear interpolation between the points around the gap (LINEAR; leading and
/// trailing gaps stay empty).</item>
/// <item>TIME_SERIES and MINUTE/HOUR/DAY/DATE/MONTH/YEAR/EPOCH give a point for every period of the window (UTC;
/// DAY is the weekday, Monday 1 to Sunday 7; DATE the day of the month).</item>
/// <item>IF(c, a[, b]) follows the guide's table: with a TS condition there is a point per condition timestamp;
/// true takes a (a series missing there gives 0), false takes b (missing or omitted: no point). With a scalar
/// condition the whole of a or b is taken (b omitted: an empty series).</item>
/// <item>METRICS() returns the MetricStat results of the request in request order (expressions excluded);
/// METRICS('x') those whose id contains x. SORT orders by AVG, MIN, MAX or SUM (empty series last), stable.</item>
/// <item>Labels: a single-series result has an empty label (the caller uses the query's Label, else its Id); each
/// element of an array result keeps the label of the series it came from (the caller prefixes the query's Label).</item>
/// </list>
/// </summary>
public static class MetricMathEvaluator
{
    /// <summary>Evaluates <paramref name="expression"/>; throws <see cref="MetricQueryException"/> on type errors.</summary>
    public static IReadOnlyList<TimeSeries> Evaluate(MetricMathExpression expression, MetricMathContext context)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(context);
        if (context.Window.Period <= 0)
        {
            throw new MetricQueryException("The period must be a positive number of seconds.");
        }
        var value = new Run(context).Eval(expression.Root);
        return value switch
        {
            SeriesValue s => [new TimeSeries("", s.Series.Timestamps, s.Series.Values)],
            ArrayValue a => [.. a.Items.Select(s => new TimeSeries(s.Series.Label, s.Series.Timestamps, s.Series.Values, s.Series.Metric))],
            _ => throw new MetricQueryException(
                $"The expression must return a time series or an array of time series, but it returns {value.TypeName}."),
        };
    }

    /// <summary>Series that fill the window (FILL, TIME_SERIES, date functions) get one point per period; this caps them.</summary>
    internal const long MaxGridPoints = 1_000_000;

    private static void CheckGrid(QueryWindow window, int period)
    {
        if ((window.End - window.Start) / period > MaxGridPoints)
        {
            throw new MetricQueryException(
                $"The time range holds more than {MaxGridPoints} periods of {period} seconds; use a longer period or a shorter range.");
        }
    }

    private sealed class Run(MetricMathContext ctx)
    {
        private readonly QueryWindow _window = ctx.Window;

        public MathValue Eval(MathNode node) => node switch
        {
            NumberNode n => new ScalarValue(n.Value),
            StringNode s => new TextValue(s.Value),
            KeywordNode k => new WordValue(k.Word),
            IdNode id => Reference(id),
            UnaryNode u => Unary(u),
            BinaryNode b => Binary(b.Operator, Eval(b.Left), Eval(b.Right), b.Column),
            ArrayNode a => ArrayLiteral(a),
            CallNode c => Call(c),
            _ => throw new MetricQueryException($"Unsupported syntax at column {Col(node.Column)}."),
        };

        private static string Col(int column) => column.ToString(CultureInfo.InvariantCulture);

        private static MetricQueryException TypeError(string function, int column, string expected, MathValue got) =>
            new($"Invalid argument for {function} at column {Col(column)}: expected {expected}, got {got.TypeName}.");

        private MathValue Reference(IdNode node)
        {
            var found = ctx.Find(node.Id)
                ?? throw new MetricQueryException($"Unrecognized metric or expression id '{node.Id}' at column {Col(node.Column)}.");
            var period = ctx.PeriodOf(node.Id);
            if (found.Count == 1)
            {
                return new SeriesValue(found[0], period);
            }
            return new ArrayValue([.. found.Select(s => new SeriesValue(s, period))]);
        }

        private MathValue ArrayLiteral(ArrayNode node)
        {
            var items = new List<SeriesValue>();
            foreach (var e in node.Elements)
            {
                switch (Eval(e))
                {
                    case SeriesValue s:
                        items.Add(s);
                        break;
                    case ArrayValue a:
                        items.AddRange(a.Items);
                        break;
                    case var other:
                        throw new MetricQueryException(
                            $"An array may only hold time series, but the element at column {Col(e.Column)} is {other.TypeName}.");
                }
            }
            return new ArrayValue(items);
        }

        private MathValue Unary(UnaryNode node)
        {
            var operand = Eval(node.Operand);
            Func<double, double> f = node.IsNot ? static x => x == 0 ? 1 : 0 : static x => -x;
            return MapNumeric(operand, f, node.IsNot ? "NOT" : "unary -", node.Column);
        }

        // ---- element-wise helpers -------------------------------------------------------------------------

        private static SeriesValue MapSeries(SeriesValue s, Func<double, double> f)
        {
            var src = s.Series;
            var ts = new List<long>(src.Count);
            var vs = new List<double>(src.Count);
            for (var i = 0; i < src.Count; i++)
            {
                var v = f(src.Values[i]);
                if (double.IsFinite(v))
                {
                    ts.Add(src.Timestamps[i]);
                    vs.Add(v);
                }
            }
            return SeriesValue.Of(src.Label, ts, vs, s.Period);
        }

        private static MathValue MapNumeric(MathValue value, Func<double, double> f, string what, int column) => value switch
        {
            ScalarValue s => new ScalarValue(f(s.Value)),
            SeriesValue s => MapSeries(s, f),
            ArrayValue a => new ArrayValue([.. a.Items.Select(s => MapSeries(s, f))]),
            _ => throw TypeError(what, column, "a number, a time series or an array of time series", value),
        };

        private static MathValue MapSeriesOrArray(MathValue value, Func<SeriesValue, SeriesValue> f, string what, int column) => value switch
        {
            SeriesValue s => f(s),
            ArrayValue a => new ArrayValue([.. a.Items.Select(f)]),
            _ => throw TypeError(what, column, "a time series or an array of time series", value),
        };

        private static double Apply(MathOperator op, double x, double y) => op switch
        {
            MathOperator.Add => x + y,
            MathOperator.Subtract => x - y,
            MathOperator.Multiply => x * y,
            MathOperator.Divide => x / y,
            MathOperator.Power => System.Math.Pow(x, y),
            MathOperator.Less => x < y ? 1 : 0,
            MathOperator.LessOrEqual => x <= y ? 1 : 0,
            MathOperator.Greater => x > y ? 1 : 0,
            MathOperator.GreaterOrEqual => x >= y ? 1 : 0,
            MathOperator.Equal => x == y ? 1 : 0,
            MathOperator.NotEqual => x != y ? 1 : 0,
            MathOperator.And => x != 0 && y != 0 ? 1 : 0,
            MathOperator.Or => x != 0 || y != 0 ? 1 : 0,
            _ => double.NaN,
        };

        private static string Symbol(MathOperator op) => op switch
        {
            MathOperator.Add => "+",
            MathOperator.Subtract => "-",
            MathOperator.Multiply => "*",
            MathOperator.Divide => "/",
            MathOperator.Power => "^",
            MathOperator.Less => "<",
            MathOperator.LessOrEqual => "<=",
            MathOperator.Greater => ">",
            MathOperator.GreaterOrEqual => ">=",
            MathOperator.Equal => "==",
            MathOperator.NotEqual => "!=",
            MathOperator.And => "AND",
            _ => "OR",
        };

        private static MathValue Binary(MathOperator op, MathValue left, MathValue right, int column)
        {
            switch (left, right)
            {
                case (ScalarValue a, ScalarValue b):
                    // A scalar comparison against a missing scalar stays missing rather than becoming 0.
                    return new ScalarValue(double.IsNaN(a.Value) || double.IsNaN(b.Value) ? double.NaN : Apply(op, a.Value, b.Value));
                case (SeriesValue a, ScalarValue b):
                    return WithScalar(op, a, b.Value, scalarOnLeft: false);
                case (ScalarValue a, SeriesValue b):
                    return WithScalar(op, b, a.Value, scalarOnLeft: true);
                case (SeriesValue a, SeriesValue b):
                    return Combine(op, a, b);
                case (ArrayValue a, ScalarValue or SeriesValue):
                    return new ArrayValue([.. a.Items.Select(s => (SeriesValue)Binary(op, s, right, column))]);
                case (ScalarValue or SeriesValue, ArrayValue b):
                    return new ArrayValue([.. b.Items.Select(s => (SeriesValue)Binary(op, left, s, column))]);
                default:
                    throw new MetricQueryException(
                        $"Unsupported operand types for '{Symbol(op)}' at column {Col(column)}: {left.TypeName} and {right.TypeName}.");
            }
        }

        private static SeriesValue WithScalar(MathOperator op, SeriesValue s, double scalar, bool scalarOnLeft)
        {
            var src = s.Series;
            var ts = new List<long>(src.Count);
            var vs = new List<double>(src.Count);
            if (!double.IsNaN(scalar))
            {
                for (var i = 0; i < src.Count; i++)
                {
                    var v = scalarOnLeft ? Apply(op, scalar, src.Values[i]) : Apply(op, src.Values[i], scalar);
                    if (double.IsFinite(v))
                    {
                        ts.Add(src.Timestamps[i]);
                        vs.Add(v);
                    }
                }
            }
            return SeriesValue.Of(src.Label, ts, vs, s.Period);
        }

        // Union of timestamps; the side without a point at a timestamp counts as 0 (as the guide specifies).
        private static SeriesValue Combine(MathOperator op, SeriesValue left, SeriesValue right)
        {
            var a = left.Series;
            var b = right.Series;
            var ts = new List<long>(System.Math.Max(a.Count, b.Count));
            var vs = new List<double>(ts.Capacity);
            int i = 0, j = 0;
            while (i < a.Count || j < b.Count)
            {
                long t;
                double x = 0, y = 0;
                if (j >= b.Count || (i < a.Count && a.Timestamps[i] < b.Timestamps[j]))
                {
                    t = a.Timestamps[i];
                    x = a.Values[i++];
                }
                else if (i >= a.Count || b.Timestamps[j] < a.Timestamps[i])
                {
                    t = b.Timestamps[j];
                    y = b.Values[j++];
                }
                else
                {
                    t = a.Timestamps[i];
                    x = a.Values[i++];
                    y = b.Values[j++];
                }
                var v = Apply(op, x, y);
                if (double.IsFinite(v))
                {
                    ts.Add(t);
                    vs.Add(v);
                }
            }
            return SeriesValue.Of("", ts, vs, left.Period);
        }

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
