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
public static partial class MetricMathEvaluator
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

    private sealed partial class Run(MetricMathContext ctx)
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

    }
}
