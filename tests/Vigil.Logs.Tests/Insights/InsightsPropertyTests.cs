using FsCheck;
using FsCheck.Fluent;
using Vigil.Logs.Insights;
using Vigil.Logs.Insights.Execution;

namespace Vigil.Logs.Tests.Insights;

/// <summary>Results do not depend on the order events arrive in, nor on how they are split between partial
/// accumulators that are merged afterwards (as a parallel scan over blocks would).</summary>
public sealed class InsightsPropertyTests
{
    private static readonly string[] Queries =
    [
        "stats count(*) as c, sum(n) as s, avg(n) as a, min(n) as mn, max(n) as mx, stddev(n) as sd by k",
        "stats count_distinct(u) as d, pct(n, 90) as p, earliest(n) as e, latest(n) as l, sortsFirst(u) as f, sortsLast(u) as z by bin(1m)",
        "filter n > 3 | stats count(*) as c by k, u | sort c desc | limit 5",
        "fields k, n | sort n desc, k asc | limit 7",
        "fields k, u | limit 9",
        "fields k, u | sort n asc | dedup k",
        "filter n % 2 = 0 | dedup u | limit 4",
        "stats count(*) as c by k | stats sum(c) as t",
    ];

    [Fact]
    public void Results_are_independent_of_event_order_and_of_partial_merges()
    {
        var events = Gen.Choose(0, 40).SelectMany(count =>
            Gen.ArrayOf(
                from k in Gen.Elements("a", "b", "c")
                from u in Gen.Elements("u1", "u2", "u3", "u4", "u5")
                from n in Gen.Choose(-5, 20)
                from minute in Gen.Choose(0, 5)
                select (k, u, n, minute),
                count));
        var cases =
            from e in events
            from seed in Gen.Choose(0, int.MaxValue)
            from split in Gen.Choose(0, 100)
            select (e, seed, split);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), Prop.ForAll(Arb.From(cases), c => SameEverywhere(c.e, c.seed, c.split)));
    }

    [Fact]
    public void Large_count_distinct_and_pct_stay_within_their_documented_error()
    {
        var query = InsightsQuery.Compile("stats count_distinct(u) as d, pct(n, 50) as p");
        var left = query.CreateAccumulator();
        var right = query.CreateAccumulator();
        for (var i = 0; i < 60_000; i++)
        {
            var e = new LogEventInput("a:g", "s", i, i, i, $$"""{"u":"user{{i % 50_000}}","n":{{(i % 1000) + 1}}}""");
            (i % 3 == 0 ? left : right).Add(e);
        }

        left.Merge(right);
        var row = query.Finish(left).Rows.Single().ToDictionary(f => f.Field, f => double.Parse(f.Value, System.Globalization.CultureInfo.InvariantCulture));
        row["d"].ShouldBe(50_000, 50_000 * 0.03);
        row["p"].ShouldBe(500, 500 * 0.01);
    }

    /// <summary>Equal rows, except that computed numbers may differ in their last bits: floating-point sums
    /// depend on the order of their terms (1e-9 relative tolerance).</summary>
    private static void SameRows(string[] actual, string[] expected, string query)
    {
        actual.Length.ShouldBe(expected.Length, query);
        for (var i = 0; i < actual.Length; i++)
        {
            var a = actual[i].Split('|');
            var e = expected[i].Split('|');
            a.Length.ShouldBe(e.Length, query);
            for (var j = 0; j < a.Length; j++)
            {
                if (a[j] == e[j])
                {
                    continue;
                }

                var x = double.Parse(a[j].Split('=')[1], System.Globalization.CultureInfo.InvariantCulture);
                var y = double.Parse(e[j].Split('=')[1], System.Globalization.CultureInfo.InvariantCulture);
                x.ShouldBe(y, Math.Abs(y) * 1e-9, query);
            }
        }
    }

    private static bool SameEverywhere((string K, string U, int N, int Minute)[] specs, int seed, int split)
    {
        var events = specs.Select((s, i) => new LogEventInput(
            i % 2 == 0 ? "1:g1" : "1:g2", "s" + (i % 3), InsightsCorpus.T0 + (s.Minute * 60_000) + (i % 7), 0, i,
            $$"""{"k":"{{s.K}}","u":"{{s.U}}","n":{{s.N}}}""")).ToArray();
        var shuffled = events.OrderBy(_ => new Random(seed).Next()).ToArray();
        new Random(seed).Shuffle(shuffled);
        var cut = shuffled.Length * split / 100;
        foreach (var text in Queries)
        {
            var query = InsightsQuery.Compile(text);
            var expected = InsightsCorpus.Render(query.Run(events));
            SameRows(InsightsCorpus.Render(query.Run(shuffled)), expected, text);

            var first = query.CreateAccumulator();
            var second = query.CreateAccumulator();
            foreach (var e in shuffled.Take(cut))
            {
                first.Add(e);
            }

            foreach (var e in shuffled.Skip(cut))
            {
                second.Add(e.LogGroup, e.LogStream, e.Timestamp, e.IngestionTime, e.Seq, System.Text.Encoding.UTF8.GetBytes(e.Message)); // as a scan does
            }

            second.Merge(first);
            var merged = query.Finish(second);
            SameRows(InsightsCorpus.Render(merged), expected, text);
            merged.Statistics.RecordsScanned.ShouldBe(events.Length);
        }

        return true;
    }
}
