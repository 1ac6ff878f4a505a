using Vigil.Metrics.MetricMath;
using Vigil.Metrics.Model;
using static Vigil.Metrics.Tests.MetricMath.MathTestData;

namespace Vigil.Metrics.Tests.MetricMath;

public sealed class MetricMathEvaluatorTests
{
    private static readonly MetricMathContext Pair = Context(
        ("a", S("A", 1, 2, null, 4, null)),
        ("b", S("B", 10, null, 30, 40, null)));

    [Theory]
    [InlineData("a + b", new double[] { 11, 2, 30, 44 }, new[] { 0, 1, 2, 3 })]
    [InlineData("a - b", new double[] { -9, 2, -30, -36 }, new[] { 0, 1, 2, 3 })]
    [InlineData("a * b", new double[] { 10, 0, 0, 160 }, new[] { 0, 1, 2, 3 })]
    // 30 / 0 (a has no point there, so it counts as 0) is dropped.
    [InlineData("b / a", new double[] { 10, 0, 10 }, new[] { 0, 1, 3 })]
    [InlineData("a ^ 2", new double[] { 1, 4, 16 }, new[] { 0, 1, 3 })]
    [InlineData("-a", new double[] { -1, -2, -4 }, new[] { 0, 1, 3 })]
    [InlineData("(a + b) / 2", new double[] { 5.5, 1, 15, 22 }, new[] { 0, 1, 2, 3 })]
    [InlineData("2 + 3 * a", new double[] { 5, 8, 14 }, new[] { 0, 1, 3 })]
    [InlineData("1 / (a - 2)", new double[] { -1, 0.5 }, new[] { 0, 3 })]
    [InlineData("a - AVG(a)", new double[] { -4.0 / 3, -1.0 / 3, 5.0 / 3 }, new[] { 0, 1, 3 })]
    [InlineData("MAX(a) / a", new double[] { 4, 2, 1 }, new[] { 0, 1, 3 })]
    public void Arithmetic_aligns_two_series_over_the_union_of_timestamps_with_missing_as_zero(string expr, double[] values, int[] at)
    {
        var expected = new double?[5];
        for (var i = 0; i < at.Length; i++)
        {
            expected[at[i]] = System.Math.Round(values[i], 9);
        }
        One(expr, Pair).ShouldBe(expected);
    }

    [Theory]
    [InlineData("1 + 2 * 3 ^ 2", 19)]
    [InlineData("-2 ^ 2", -4)]
    [InlineData("2 ^ -1", 0.5)]
    [InlineData("2 ^ 3 ^ 2", 512)]
    [InlineData("10 - 4 - 3", 3)]
    [InlineData("(1 + 2) * 3", 9)]
    [InlineData("12 / 4 / 3", 1)]
    [InlineData("1 < 2 AND 3 > 4 OR 1", 1)]
    [InlineData("1 < 2 && 3 > 4 || 0", 0)]
    [InlineData("NOT 1 == 1", 0)]
    [InlineData("NOT 0 AND 1", 1)]
    [InlineData("2 <= 2", 1)]
    [InlineData("2 != 2", 0)]
    [InlineData(".5e1 + 1.25", 6.25)]
    [InlineData("PERIOD(a) / 60", 1)]
    [InlineData("METRIC_COUNT(METRICS())", 2)]
    public void Scalars_follow_precedence_and_associativity(string expr, double expected)
    {
        One($"TIME_SERIES({expr})", Pair).ShouldBe([expected, expected, expected, expected, expected]);
    }

    [Fact]
    public void Comparisons_and_logic_match_the_user_guide_example()
    {
        var ctx = Context(("metric1", S("", 30, 20, 0, 0)), ("metric2", S("", 20, null, 20)));
        One("metric1 < metric2", ctx).ShouldBe([0, 0, 1, 0, null]);
        One("metric1 >= 30", ctx).ShouldBe([1, 0, 0, 0, null]);
        One("metric1 > 15 AND metric2 > 15", ctx).ShouldBe([1, 0, 0, 0, null]);
        One("metric1 > 15 && metric2 > 15", ctx).ShouldBe([1, 0, 0, 0, null]);
        One("metric1 > 25 OR metric2 > 15", ctx).ShouldBe([1, 0, 1, 0, null]);
        One("metric1 > 25 || metric2 > 15", ctx).ShouldBe([1, 0, 1, 0, null]);
        One("NOT (metric1 > 15)", ctx).ShouldBe([0, 0, 1, 1, null]);
        One("metric1 == 0", ctx).ShouldBe([0, 0, 1, 1, null]);
        One("metric1 != 20", ctx).ShouldBe([1, 0, 1, 1, null]);
        One("metric1 <= 20", ctx).ShouldBe([0, 1, 1, 1, null]);
    }

    private static readonly MetricMathContext IfData = Context(
        ("metric1", S("", 1, 1, 0, 0, null)),
        ("metric2", S("", 30, null, 0, 0, 30)),
        ("metric3", S("", 0, 0, 20, null, 20)));

    [Theory]
    [InlineData("IF(metric1, metric2, metric3)", new double[] { 30, 0, 20, double.NaN, double.NaN })]
    [InlineData("IF(metric1, 5, metric3)", new double[] { 5, 5, 20, double.NaN, double.NaN })]
    [InlineData("IF(metric1, metric2, 5)", new double[] { 30, 0, 5, 5, double.NaN })]
    [InlineData("IF(metric1, metric2)", new double[] { 30, 0, double.NaN, double.NaN, double.NaN })]
    [InlineData("IF(1, metric2, metric3)", new double[] { 30, double.NaN, 0, 0, 30 })]
    [InlineData("IF(0, metric2, metric3)", new double[] { 0, 0, 20, double.NaN, 20 })]
    [InlineData("IF(metric2 < 25, 1, 0)", new double[] { 0, double.NaN, 1, 1, 0 })]
    // metric2 > 10: [1,-,0,0,1]; NOT(metric3 > 10): [1,1,0,-,0]; AND counts a missing side as 0.
    [InlineData("IF(metric2 > 10 AND NOT metric3 > 10, 1, 0)", new double[] { 1, 0, 0, 0, 0 })]
    // metric2 > 10 OR metric3 > 10: [1,0,1,0,1]; true takes metric2 (0 at period 2), false takes -1.
    [InlineData("IF(metric2 > 10 OR metric3 > 10, metric2, -1)", new double[] { 30, -1, 0, -1, 30 })]
    public void If_follows_the_user_guide_tables(string expr, double[] expected)
    {
        One(expr, IfData).ShouldBe(expected.Select(v => double.IsNaN(v) ? (double?)null : v).ToArray());
    }

    [Fact]
    public void If_with_a_false_scalar_condition_and_no_else_is_an_empty_series()
    {
        Eval("IF(0, metric2)", IfData).Single().Count.ShouldBe(0);
    }

    [Fact]
    public void Aggregates_of_one_series_are_scalars()
    {
        One("TIME_SERIES(SUM(a))", Pair).ShouldBe([7, 7, 7, 7, 7]);
        One("TIME_SERIES(AVG(a) * 3)", Pair).ShouldBe([7, 7, 7, 7, 7]);
        One("TIME_SERIES(MIN(a))", Pair).ShouldBe([1, 1, 1, 1, 1]);
        One("TIME_SERIES(MAX(a))", Pair).ShouldBe([4, 4, 4, 4, 4]);
        One("TIME_SERIES(DATAPOINT_COUNT(a))", Pair).ShouldBe([3, 3, 3, 3, 3]);
        // Population deviation of 1, 2, 4: sqrt(((4/3)^2 + (1/3)^2 + (5/3)^2) / 3) = sqrt(14/9).
        var sd = System.Math.Round(System.Math.Sqrt(14.0 / 9), 9);
        One("TIME_SERIES(STDDEV(a))", Pair).ShouldBe([sd, sd, sd, sd, sd]);
        var mean = System.Math.Round(7.0 / 3, 9);
        One("SUM(a) / DATAPOINT_COUNT(a) + 0 * a", Pair).ShouldBe([mean, mean, null, mean, null]);
    }

    [Fact]
    public void Aggregates_of_an_empty_series_have_no_value_except_sum_and_count()
    {
        var ctx = Context(("e", S("")), ("a", S("", 1, 2, 3, 4, 5)));
        One("a + 0 * AVG(e)", ctx).ShouldBe([null, null, null, null, null]);
        One("a + 0 * MAX(e)", ctx).ShouldBe([null, null, null, null, null]);
        One("a + SUM(e)", ctx).ShouldBe([1, 2, 3, 4, 5]);
        One("a + DATAPOINT_COUNT(e)", ctx).ShouldBe([1, 2, 3, 4, 5]);
    }

    [Fact]
    public void Aggregates_of_an_array_are_series_per_timestamp()
    {
        One("SUM([a, b])", Pair).ShouldBe([11, 2, 30, 44, null]);
        One("SUM(METRICS())", Pair).ShouldBe([11, 2, 30, 44, null]);
        One("AVG([a, b])", Pair).ShouldBe([5.5, 1, 15, 22, null]);
        One("MIN([a, b])", Pair).ShouldBe([1, 2, 30, 4, null]);
        One("MAX(METRICS())", Pair).ShouldBe([10, 2, 30, 40, null]);
        One("STDDEV([a, b])", Pair).ShouldBe([4.5, 0, 0, 18, null]);
        One("DATAPOINT_COUNT([a, b])", Pair).ShouldBe([2, 1, 1, 2, null]);
    }

    [Fact]
    public void Arrays_combine_element_wise_with_scalars_and_series_and_keep_labels()
    {
        var scaled = Eval("METRICS() * 100", Pair);
        scaled.Select(s => s.Label).ShouldBe(["A", "B"]);
        Grid(scaled[0]).ShouldBe([100, 200, null, 400, null]);
        Grid(scaled[1]).ShouldBe([1000, null, 3000, 4000, null]);

        One("SUM(100 / [a, b])", Pair).ShouldBe([110, 50, System.Math.Round(10.0 / 3, 9), 27.5, null]);
        One("SUM(-[a, b])", Pair).ShouldBe([-11, -2, -30, -44, null]);
        var shifted = Eval("[a, b] - a", Pair);
        Grid(shifted[0]).ShouldBe([0, 0, null, 0, null]);
        Grid(shifted[1]).ShouldBe([9, -2, 30, 36, null]);
        One("MIN(ABS([a, b] - 3))", Pair).ShouldBe([2, 1, 27, 1, null]);
    }

    [Fact]
    public void Element_wise_math_functions_drop_values_that_are_not_numbers()
    {
        var ctx = Context(("c", S("", -1.5, 2.5, 0, 100, null)));
        One("ABS(c)", ctx).ShouldBe([1.5, 2.5, 0, 100, null]);
        One("CEIL(c)", ctx).ShouldBe([-1, 3, 0, 100, null]);
        One("FLOOR(c)", ctx).ShouldBe([-2, 2, 0, 100, null]);
        One("LOG10(c)", ctx).ShouldBe([null, System.Math.Round(System.Math.Log10(2.5), 9), null, 2, null]);
        One("LOG(c)", ctx).ShouldBe([null, System.Math.Round(System.Math.Log(2.5), 9), null, System.Math.Round(System.Math.Log(100), 9), null]);
        Eval("CEIL(METRICS())", ctx).Count.ShouldBe(1);
    }

    private static readonly MetricMathContext Gappy = Context(("g", S("G", 10, null, 40, 70, 100)));

    [Fact]
    public void Diff_rate_and_running_sum_span_gaps()
    {
        One("DIFF(g)", Gappy).ShouldBe([null, null, 30, 30, 30]);
        One("DIFF_TIME(g)", Gappy).ShouldBe([null, null, 120, 60, 60]);
        One("RATE(g)", Gappy).ShouldBe([null, null, 0.25, 0.5, 0.5]);
        One("RATE(g) * PERIOD(g)", Gappy).ShouldBe([null, null, 15, 30, 30]);
        One("RUNNING_SUM(g)", Gappy).ShouldBe([10, null, 50, 120, 220]);
        var arr = Eval("DIFF(METRICS())", Gappy);
        arr.Single().Label.ShouldBe("G");
        Grid(arr[0]).ShouldBe([null, null, 30, 30, 30]);
    }

    private static readonly MetricMathContext Holes = Context(
        ("f", S("F", null, 5, null, null, 11)),
        ("t", S("T", 1, null, 3, null, null)),
        ("m2", S("M2", 1, 2, 3, 4, 5)),
        ("none", S("N")));

    [Theory]
    [InlineData("FILL(f, 0)", new double[] { 0, 5, 0, 0, 11 })]
    [InlineData("FILL(f, -2.5)", new double[] { -2.5, 5, -2.5, -2.5, 11 })]
    [InlineData("FILL(f, REPEAT)", new double[] { double.NaN, 5, 5, 5, 11 })]
    [InlineData("FILL(f, LINEAR)", new double[] { double.NaN, 5, 7, 9, 11 })]
    [InlineData("FILL(f, m2)", new double[] { 1, 5, 3, 4, 11 })]
    [InlineData("FILL(f, MIN(f))", new double[] { 5, 5, 5, 5, 11 })]
    [InlineData("FILL(t, LINEAR)", new double[] { 1, 2, 3, double.NaN, double.NaN })]
    [InlineData("FILL(t, REPEAT)", new double[] { 1, 1, 3, 3, 3 })]
    [InlineData("FILL(none, 0)", new double[] { 0, 0, 0, 0, 0 })]
    [InlineData("FILL(none, LINEAR)", new double[] { double.NaN, double.NaN, double.NaN, double.NaN, double.NaN })]
    public void Fill_fills_the_missing_periods_of_the_window(string expr, double[] expected)
    {
        One(expr, Holes).ShouldBe(expected.Select(v => double.IsNaN(v) ? (double?)null : v).ToArray());
    }

    [Fact]
    public void Fill_of_an_array_fills_each_series()
    {
        var filled = Eval("FILL(METRICS('f'), LINEAR)", Holes);
        filled.Single().Label.ShouldBe("F");
        Grid(filled[0]).ShouldBe([null, 5, 7, 9, 11]);
        var zero = Eval("FILL([f, t], 0)", Holes);
        Grid(zero[1]).ShouldBe([1, 0, 3, 0, 0]);
    }

    [Fact]
    public void Date_functions_give_a_point_per_period_in_utc()
    {
        var ctx = Context(("g", S("", null, 1)));
        One("MINUTE(g)", ctx).ShouldBe([0, 1, 2, 3, 4]);
        One("HOUR(g)", ctx).ShouldBe([0, 0, 0, 0, 0]);
        One("DAY(g)", ctx).ShouldBe([1, 1, 1, 1, 1]);
        One("DATE(g)", ctx).ShouldBe([1, 1, 1, 1, 1]);
        One("MONTH(g)", ctx).ShouldBe([1, 1, 1, 1, 1]);
        One("YEAR(g)", ctx).ShouldBe([2024, 2024, 2024, 2024, 2024]);
        One("EPOCH(g) - 1704067200", ctx).ShouldBe([0, 60, 120, 180, 240]);
        One("TIME_SERIES(10)", ctx).ShouldBe([10, 10, 10, 10, 10]);
        One("IF(MINUTE(g) >= 3, 1)", ctx).ShouldBe([null, null, null, 1, 1]);
    }

    [Fact]
    public void Day_counts_monday_as_1_and_sunday_as_7()
    {
        const int day = 86_400;
        var ctx = new MetricMathContext(new QueryWindow(Start - day, Start + (7 * day), day), [new("d", [TimeSeries.Empty("")])]);
        var result = Eval("DAY(d)", ctx).Single();
        result.Values.ShouldBe([7, 1, 2, 3, 4, 5, 6, 7]);
        Eval("DATE(d)", ctx).Single().Values.ShouldBe([31, 1, 2, 3, 4, 5, 6, 7]);
        Eval("MONTH(d)", ctx).Single().Values.ShouldBe([12, 1, 1, 1, 1, 1, 1, 1]);
        Eval("YEAR(d)", ctx).Single().Values.ShouldBe([2023, 2024, 2024, 2024, 2024, 2024, 2024, 2024]);
    }

    [Fact]
    public void A_query_period_overrides_the_window_period()
    {
        var ctx = new MetricMathContext(Window, [new("m1", [S("", 1)])])
        {
            Periods = new Dictionary<string, int> { ["m1"] = 120 },
        };
        Eval("TIME_SERIES(PERIOD(m1))", ctx).Single().Values.ShouldBe([120, 120, 120, 120, 120]);
        // The grid of the period: 0, 120, 240 seconds into the window.
        Eval("MINUTE(m1)", ctx).Single().Values.ShouldBe([0, 2, 4]);
        Eval("FILL(m1, 9)", ctx).Single().Values.ShouldBe([1, 9, 9]);
    }

    private static readonly MetricMathContext Ranked = Context(
        ("x", S("X", 1, 1)),
        ("y", S("Y", 5)),
        ("z", S("Z", 2, 2, 2)),
        ("w", S("W")));

    [Theory]
    [InlineData("SORT(METRICS(), AVG, DESC)", "Y,Z,X,W")]
    [InlineData("SORT(METRICS(), AVG, ASC)", "X,Z,Y,W")]
    [InlineData("SORT(METRICS(), SUM, ASC)", "X,Y,Z,W")]
    [InlineData("SORT(METRICS(), MAX, DESC, 2)", "Y,Z")]
    [InlineData("SORT(METRICS(), MIN, ASC, 0)", "")]
    [InlineData("SLICE(SORT(METRICS(), SUM, DESC), 1)", "Y,X,W")]
    [InlineData("SLICE(SORT(METRICS(), SUM, DESC), 0, 2)", "Z,Y")]
    [InlineData("SLICE(METRICS(), 3, 10)", "W")]
    [InlineData("SLICE(METRICS(), 2, 1)", "")]
    [InlineData("REMOVE_EMPTY(METRICS())", "X,Y,Z")]
    [InlineData("REMOVE_EMPTY([w, x])", "X")]
    public void Sort_slice_and_remove_empty_reorder_arrays(string expr, string labels)
    {
        string.Join(",", Eval(expr, Ranked).Select(s => s.Label)).ShouldBe(labels);
    }

    [Fact]
    public void First_and_last_pick_one_series()
    {
        One("FIRST(SORT(METRICS(), AVG, DESC))", Ranked).ShouldBe([5, null, null, null, null]);
        One("LAST(SORT(METRICS(), SUM, DESC, 3))", Ranked).ShouldBe([1, 1, null, null, null]);
        One("IF(FIRST(SORT(METRICS(), AVG, DESC)) > 4, 1, 0)", Ranked).ShouldBe([1, null, null, null, null]);
        One("TIME_SERIES(METRIC_COUNT(METRICS()))", Ranked).ShouldBe([4, 4, 4, 4, 4]);
    }

    [Fact]
    public void Metrics_filters_by_id_substring_and_skips_expressions()
    {
        var ctx = new MetricMathContext(Window,
        [
            new("errors4xx", [S("4xx", 1, 1)]),
            new("requests", [S("req", 10, 10)]),
            new("errors5xx", [S("5xx", 2)]),
            new("e1", [S("expr", 100, 100)]),
        ])
        {
            ExpressionIds = new HashSet<string> { "e1" },
        };
        One("SUM(METRICS('errors'))", ctx).ShouldBe([3, 1, null, null, null]);
        One("SUM(METRICS(\"errors\")) / SUM(METRICS(\"requests\")) * 100", ctx).ShouldBe([30, 10, null, null, null]);
        One("SUM([METRICS(\u201C4xx\u201D), METRICS(\u201C5xx\u201D)])", ctx).ShouldBe([3, 1, null, null, null]);
        Eval("METRICS()", ctx).Select(s => s.Label).ShouldBe(["4xx", "req", "5xx"]);
        Eval("METRICS('nothing')", ctx).ShouldBeEmpty();
        One("e1 / 2", ctx).ShouldBe([50, 50, null, null, null]);
        Should.Throw<MetricQueryException>(() => Eval("e1 / PERIOD(e1)", ctx)).Message.ShouldContain("PERIOD");
    }

    [Fact]
    public void Search_is_delegated_with_its_arguments()
    {
        var calls = new List<(string, string, int)>();
        var ctx = new MetricMathContext(Window, [])
        {
            Search = (q, stat, period) =>
            {
                calls.Add((q, stat, period));
                return [S("i-1", 1, 2), S("i-2", 3)];
            },
        };
        One("SUM(SEARCH('{AWS/EC2,InstanceId} CPUUtilization', 'Average', 300))", ctx).ShouldBe([4, 2, null, null, null]);
        Eval("SEARCH('Errors', 'Sum')", ctx).Select(s => s.Label).ShouldBe(["i-1", "i-2"]);
        calls.ShouldBe([("{AWS/EC2,InstanceId} CPUUtilization", "Average", 300), ("Errors", "Sum", Period)]);
    }

    [Fact]
    public void A_reference_to_an_array_result_is_an_array()
    {
        var ctx = new MetricMathContext(Window, [new("m1", [S("", 1)]), new("e1", [S("p", 1, 2), S("q", 3)])])
        {
            ExpressionIds = new HashSet<string> { "e1" },
        };
        One("SUM(e1)", ctx).ShouldBe([4, 2, null, null, null]);
    }

    [Fact]
    public void Results_are_fresh_series_so_relabelling_does_not_touch_the_inputs()
    {
        var m1 = S("cpu", 1, 2);
        var ctx = Context(("m1", m1));
        var result = Eval("m1", ctx).Single();
        result.ShouldNotBeSameAs(m1);
        result.Label.ShouldBe("");
        result.Label = "renamed";
        m1.Label.ShouldBe("cpu");
    }

    [Fact]
    public void If_over_an_array_condition_applies_to_each_series()
    {
        var result = Eval("IF(METRICS() > 3, 1, 0)", Pair);
        result.Select(s => s.Label).ShouldBe(["A", "B"]);
        Grid(result[0]).ShouldBe([0, 0, null, 1, null]);
        Grid(result[1]).ShouldBe([1, null, 1, 1, null]);
    }

    [Fact]
    public void Window_filling_series_are_capped_but_plain_references_are_not()
    {
        var wide = new MetricMathContext(new QueryWindow(0, 5_000_000, 1), [new("m1", [S("", 1)])]);
        Eval("m1 * 2", wide).Single().Count.ShouldBe(1);
        Should.Throw<MetricQueryException>(() => Eval("TIME_SERIES(1)", wide)).Message.ShouldContain("more than 1000000 periods");
        Should.Throw<MetricQueryException>(() => Eval("FILL(m1, 0)", wide)).Message.ShouldContain("more than 1000000 periods");
    }

    [Theory]
    [InlineData("AVG(a)", "must return a time series")]
    [InlineData("5", "must return a time series")]
    [InlineData("zz + 1", "Unrecognized metric or expression id 'zz' at column 1")]
    [InlineData("METRICS() + [a, b]", "Unsupported operand types for '+' at column 11")]
    [InlineData("SORT(METRICS(), COUNT, DESC)", "must be AVG, MIN, MAX or SUM")]
    [InlineData("SORT(METRICS(), AVG, UP)", "must be ASC or DESC")]
    [InlineData("SORT(METRICS(), AVG, ASC, -1)", "limit of SORT")]
    [InlineData("SLICE(METRICS(), 1.5)", "start of SLICE")]
    [InlineData("FIRST(5)", "Invalid argument for FIRST at column 1")]
    [InlineData("FILL(a, NEAREST)", "Invalid argument for FILL")]
    [InlineData("FILL(a, METRICS())", "Invalid argument for FILL")]
    [InlineData("SUM(5)", "Invalid argument for SUM")]
    [InlineData("[a, 5]", "the element at column 5 is a scalar")]
    [InlineData("METRICS(5)", "expected a string")]
    [InlineData("SEARCH('x', 'Sum', 60)", "SEARCH (column 1) is not available")]
    [InlineData("PERIOD(a + 1)", "PERIOD at column 1 takes the id of a metric")]
    [InlineData("IF(a, METRICS())", "Invalid argument for IF")]
    [InlineData("REPEAT + 1", "Unsupported operand types for '+' at column 8: the keyword REPEAT and a scalar")]
    [InlineData("TIME_SERIES(a)", "Invalid argument for TIME_SERIES")]
    public void Type_errors_are_query_errors_with_a_column(string expr, string message)
    {
        Should.Throw<MetricQueryException>(() => Eval(expr, Pair)).Message.ShouldContain(message);
    }
}
