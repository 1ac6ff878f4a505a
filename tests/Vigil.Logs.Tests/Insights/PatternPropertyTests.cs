using FsCheck;
using FsCheck.Fluent;
using Vigil.Logs.Insights;
using Vigil.Logs.Insights.Execution;
using Vigil.Logs.Insights.Plan;

namespace Vigil.Logs.Tests.Insights;

/// <summary><c>pattern</c> and <c>diff</c> rows do not depend on event order nor on how events are split between
/// merged accumulators, also once the shapes overflow the cap and get coarsened; memory stays within the cap.</summary>
public sealed class PatternPropertyTests
{
    private const long T0 = InsightsCorpus.T0;

    private static readonly string[] Templates =
    [
        "{t} [INFO] Request time: {n} ms",
        "{t} [ERROR] Connection to 10.0.{n}.1:5432 refused",
        "{t} [INFO] User {w} logged in",
        "{t} [WARN] Slow query on table {w}",
        "job {w} finished in {n}ms",
        "job {w} failed: {w} {w}",
        "{\"level\":\"INFO\",\"user\":\"{w}\",\"ms\":{n}}",
    ];

    private static readonly string[] Words = ["alice", "bob", "carol", "orders", "users", "disk", "quota"];

    [Fact]
    public void Pattern_and_diff_rows_are_independent_of_order_and_partial_merges()
    {
        var lines = Gen.Choose(0, 60).SelectMany(count => Gen.ArrayOf(
            from template in Gen.Elements(Templates)
            from words in Gen.ArrayOf(Gen.Elements(Words), 3)
            from n in Gen.Choose(0, 400)
            from second in Gen.Choose(-60, 59)
            select (template, words, n, second), count));
        var cases = from l in lines from seed in Gen.Choose(0, int.MaxValue) from split in Gen.Choose(0, 100) select (l, seed, split);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), Prop.ForAll(Arb.From(cases), c => SameEverywhere(c.l, c.seed, c.split)));
    }

    [Fact]
    public void Overflowing_shapes_coarsen_to_the_same_rows_for_any_split_and_keep_severities_apart()
    {
        var node = new PatternNode(new FieldEvaluator("@message"), Diff: false, Comparison: null, default);
        var lines = Enumerable.Range(0, 600).Select(i => (i % 3) switch
        {
            0 => $"[ERROR] login refused for {Letters(i)} by policy",
            1 => $"{Letters(i)} joined channel {Letters(i % 5)}",
            _ => $"[INFO] login by {Letters(i)} from office {Letters(i / 7)}",
        }).ToArray();
        var events = lines.Select((m, i) => new LogEventInput("1:g", "s", T0 + i, 0, i, m)).ToArray();
        PatternCollector Collector() => new(node, previous: false, maxGroups: 101, maxShapesPerGroup: 4);

        var whole = Collector();
        foreach (var e in events)
        {
            whole.Add(new Row(e));
        }

        // 200 different first words make 202 groups; grouping by structure alone gives two (the ERROR and INFO lines
        // have the same). Their shapes fit once words outside the vocabulary are blanked (level 2), ERROR and INFO
        // staying apart.
        (whole.Grouping, whole.GroupCount, whole.MaxLevel, whole.ShapeCount).ShouldBe((2, 2, 2, 3));
        var expected = Render(whole.Emit());
        expected.ShouldBe(
        [
            "<*> <*> channel <*>|200|INFO",
            "[ERROR] login refused for <*> by <*>|200|ERROR",
            "[INFO] login by <*> from <*> <*>|200|INFO",
        ]);

        var random = new Random(7);
        for (var trial = 0; trial < 5; trial++)
        {
            var parts = Enumerable.Range(0, 3).Select(_ => Collector()).ToArray();
            foreach (var e in events.OrderBy(_ => random.Next()))
            {
                parts[random.Next(3)].Add(new Row(e));
            }

            parts.ShouldAllBe(p => p.ShapeCount <= p.MaxGroups * p.MaxShapesPerGroup);
            parts[0].Merge(parts[1]);
            parts[2].Merge(parts[0]);
            Render(parts[2].Emit()).ShouldBe(expected);
        }
    }

    /// <summary>A word of letters only, different for each number, and never one of the vocabulary's.</summary>
    private static string Letters(int i)
    {
        var text = "q";
        do
        {
            text += (char)('a' + (i % 26));
            i /= 26;
        }
        while (i > 0);

        return text;
    }

    private static string[] Render(List<Row> rows) =>
        [.. rows.Select(r => string.Join('|', new[] { "@pattern", "@sampleCount", "@severityLabel" }.Select(c => r.Get(c).Render())))];

    private static bool SameEverywhere((string Template, string[] Words, int N, int Second)[] specs, int seed, int split)
    {
        var events = specs.Select((s, i) =>
        {
            var at = T0 + (s.Second * 1000L) + (i % 7);
            var words = new Queue<string>(s.Words);
            var text = s.Template
                .Replace("{t}", DateTimeOffset.FromUnixTimeMilliseconds(at).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{n}", s.N.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            while (text.Contains("{w}", StringComparison.Ordinal))
            {
                var at2 = text.IndexOf("{w}", StringComparison.Ordinal);
                text = string.Concat(text.AsSpan(0, at2), words.Dequeue(), text.AsSpan(at2 + 3));
            }

            return new LogEventInput(i % 2 == 0 ? "1:g1" : "1:g2", "s", at, 0, i, text);
        }).ToArray();
        var shuffled = events.ToArray();
        new Random(seed).Shuffle(shuffled);
        var cut = shuffled.Length * split / 100;
        foreach (var text in new[] { "pattern @message", "pattern @message | diff", "filter @message like /job/ | pattern @message | diff | limit 3" })
        {
            var query = InsightsQuery.Compile(text, T0, T0 + 59_999);
            var expected = InsightsCorpus.Render(query.Run(events));
            InsightsCorpus.Render(query.Run(shuffled)).ShouldBe(expected, text);

            var accumulators = new List<QueryAccumulator> { query.CreateAccumulator(), query.CreateAccumulator() };
            if (query.ComparisonWindow is not null)
            {
                accumulators.AddRange([query.CreateComparisonAccumulator(), query.CreateComparisonAccumulator()]);
            }

            for (var i = 0; i < shuffled.Length; i++)
            {
                var half = i < cut ? 0 : 1;
                for (var a = half; a < accumulators.Count; a += 2)
                {
                    accumulators[a].Add(shuffled[i]);
                }
            }

            for (var a = accumulators.Count - 1; a > 0; a--)
            {
                accumulators[a - 1].Merge(accumulators[a]);
            }

            var merged = query.Finish(accumulators[0]);
            InsightsCorpus.Render(merged).ShouldBe(expected, text);
            merged.Statistics.RecordsScanned.ShouldBe(query.Run(events).Statistics.RecordsScanned);
        }

        return true;
    }
}
