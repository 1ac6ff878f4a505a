using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Metrics.MetricMath;
using Vigil.Metrics.Model;
using static Vigil.Metrics.Tests.MetricMath.MathTestData;

namespace Vigil.Metrics.Tests.MetricMath;

public sealed class MetricMathFuzzTests
{
    private static readonly string[] Seeds =
    [
        "(m1 + m2) / 2", "SUM(METRICS())", "IF(m1 > 50, 1, 0)", "FILL(m1, REPEAT)", "RATE(m1) * PERIOD(m1)",
        "SORT(METRICS(), MAX, DESC, 3)", "SLICE(SORT(METRICS(), SUM, DESC), 0, 2)", "IF(m1 > 1 AND NOT m2 < 3 OR m1, m2, -1)",
        "FILL(METRICS('m'), LINEAR)", "TIME_SERIES(5 * AVG(m1))", "SEARCH('{AWS/EC2} CPU', 'Average', 60)",
        "DAY(m1) + HOUR(m1) ^ 2 - DATAPOINT_COUNT(METRICS())", "FIRST(REMOVE_EMPTY([m1, m2, e1]))", "-[m1, m2] * 3",
        "STDDEV([DIFF(m1), DIFF_TIME(m2), RUNNING_SUM(m1)])", "LOG10(ABS(m1 - m2)) != CEIL(m1) == FLOOR(m2)",
    ];

    private static readonly string[] Tokens =
    [
        "m1", "m2", "e1", "zz", "1", "0", "-", "+", "*", "/", "^", "(", ")", "[", "]", ",", "<", ">=", "==", "!=", "AND", "OR",
        "NOT", "&&", "||", "'m'", "\"", "SUM(", "IF(", "FILL(", "REPEAT", "LINEAR", "METRICS(", "SORT(", "AVG", "DESC",
        "SLICE(", "SEARCH(", "PERIOD(", "TIME_SERIES(", "RATE(", "FIRST(", "LOG(", "1e308", "1e999", ".", " ", "FOO(",
        "ANOMALY_DETECTION_BAND(", "MINUTE(", "EPOCH(", "METRIC_COUNT(",
    ];

    private static MetricMathContext Ctx() => new(Window,
    [
        new("m1", [S("m1", 1, null, 1e308, 0, -5)]),
        new("m2", [S("m2", 0, 0, double.MaxValue)]),
        new("e1", [S("x", 3), S("y")]),
    ])
    {
        ExpressionIds = new HashSet<string> { "e1" },
        Search = (_, _, _) => [S("s", 1, 2)],
    };

    /// <summary>Parses and evaluates; anything but a MetricQueryException fails the test.</summary>
    private static bool Survives(string text, MetricMathContext ctx)
    {
        try
        {
            var expr = MetricMathExpression.Parse(text);
            foreach (var series in MetricMathEvaluator.Evaluate(expr, ctx))
            {
                // Output invariants: ascending timestamps, finite values, one value per timestamp.
                series.Values.Length.ShouldBe(series.Timestamps.Length);
                series.Values.ShouldAllBe(v => double.IsFinite(v));
                for (var i = 1; i < series.Count; i++)
                {
                    series.Timestamps[i].ShouldBeGreaterThan(series.Timestamps[i - 1]);
                }
            }
        }
        catch (MetricQueryException)
        {
        }
        return true;
    }

    [Fact]
    public void Random_token_soup_only_ever_fails_with_query_errors()
    {
        var random = new Random(20240101);
        var ctx = Ctx();
        var clock = Stopwatch.StartNew();
        for (var n = 0; n < 20_000; n++)
        {
            var count = random.Next(1, 25);
            var parts = new string[count];
            for (var i = 0; i < count; i++)
            {
                parts[i] = Tokens[random.Next(Tokens.Length)];
            }
            Survives(string.Join(random.Next(2) == 0 ? "" : " ", parts), ctx);
        }
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Mutated_valid_expressions_only_ever_fail_with_query_errors()
    {
        var random = new Random(7);
        var ctx = Ctx();
        foreach (var seed in Seeds)
        {
            Survives(seed, ctx);
            MetricMathExpression.Parse(seed);
        }
        const string alphabet = "m12e()[],+-*/^<>=!&|'\" .ANDORTIFSUMREPATLINX_9";
        for (var n = 0; n < 20_000; n++)
        {
            var chars = Seeds[random.Next(Seeds.Length)].ToList();
            for (var k = random.Next(1, 4); k > 0; k--)
            {
                var at = random.Next(chars.Count + 1);
                switch (random.Next(3))
                {
                    case 0 when chars.Count > 0 && at < chars.Count:
                        chars.RemoveAt(at);
                        break;
                    case 1 when at < chars.Count:
                        chars[at] = alphabet[random.Next(alphabet.Length)];
                        break;
                    default:
                        chars.Insert(at, alphabet[random.Next(alphabet.Length)]);
                        break;
                }
            }
            Survives(new string([.. chars]), ctx);
        }
    }

    [Fact]
    public void Arbitrary_strings_only_ever_fail_with_query_errors()
    {
        var ctx = Ctx();
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500),
            Prop.ForAll(ArbMap.Default.ArbFor<string>(), s => s is null || Survives(s, ctx)));
    }

    [Fact]
    public void Deep_nesting_of_every_construct_is_refused_quickly()
    {
        var ctx = Ctx();
        string[] openers = ["(", "[", "ABS(", "-", "NOT ", "SUM(", "IF(1,"];
        foreach (var opener in openers)
        {
            var text = string.Concat(Enumerable.Repeat(opener, 1000)) + "m1";
            var clock = Stopwatch.StartNew();
            Should.Throw<MetricQueryException>(() => MetricMathEvaluator.Evaluate(MetricMathExpression.Parse(text), ctx));
            clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(2));
        }
    }
}
