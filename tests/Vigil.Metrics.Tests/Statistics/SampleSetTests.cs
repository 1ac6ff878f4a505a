using Vigil.Metrics.Statistics;

namespace Vigil.Metrics.Tests.Statistics;

public sealed class SampleSetTests
{
    private static SampleSet OneToHundred()
    {
        var set = new SampleSet();
        // Shuffled on purpose: Compute must sort.
        foreach (var v in Enumerable.Range(1, 100).OrderBy(i => (i * 37) % 101))
        {
            set.Add(v);
        }
        return set;
    }

    private static double Stat(SampleSet set, string statistic) => set.Compute(StatisticSpec.Parse(statistic));

    [Theory]
    [InlineData("SampleCount", 100)]
    [InlineData("Sum", 5050)]
    [InlineData("Average", 50.5)]
    [InlineData("Minimum", 1)]
    [InlineData("Maximum", 100)]
    [InlineData("p0", 1)]
    [InlineData("p0.5", 1)]
    [InlineData("p1", 1)]
    [InlineData("p1.01", 2)]
    [InlineData("p50", 50)]
    [InlineData("p90", 90)]
    [InlineData("p99", 99)]
    [InlineData("p99.5", 100)]
    [InlineData("p100", 100)]
    [InlineData("tm90", 45.5)] // mean of 1..90
    [InlineData("tc90", 90)]
    [InlineData("ts90", 4095)]
    [InlineData("TM(:95%)", 48)]
    [InlineData("TM(10%:90%)", 50.5)] // mean of 11..90
    [InlineData("TC(10%:90%)", 80)]
    [InlineData("TS(10%:90%)", 4040)]
    [InlineData("TM(80%:)", 90.5)] // mean of 81..100
    [InlineData("TS(80%:)", 1810)]
    [InlineData("IQM", 50.5)] // mean of 26..75
    [InlineData("TC(25%:75%)", 50)]
    [InlineData("wm98", 50.47)] // (sum 1..98 + 2·98) / 100
    [InlineData("WM(10%:90%)", 50.5)] // (10·11 + sum 11..90 + 10·90) / 100
    [InlineData("WM(5%:)", 50.65)] // (5·6 + sum 6..100) / 100
    [InlineData("TM(20:30)", 25.5)] // 21..30: lower exclusive, upper inclusive
    [InlineData("TC(20:30)", 10)]
    [InlineData("TS(20:30)", 255)]
    [InlineData("TM(:10)", 5.5)]
    [InlineData("TC(:0.5)", 0)]
    [InlineData("TS(:0.5)", 0)]
    [InlineData("WM(20:30)", 27.55)] // (20·20 + 255 + 70·30) / 100
    [InlineData("PR(:30)", 30)]
    [InlineData("PR(20:30)", 10)]
    [InlineData("PR(50:)", 50)]
    [InlineData("PR(100:)", 0)]
    [InlineData("PR(-5:1000)", 100)]
    public void Every_statistic_over_one_to_a_hundred(string statistic, double expected) =>
        Stat(OneToHundred(), statistic).ShouldBe(expected, 1e-9);

    [Theory]
    [InlineData("TM(:0.5)")] // no sample at or below 0.5
    [InlineData("tm0")]
    public void Empty_trimmed_means_have_no_value(string statistic) =>
        double.IsNaN(Stat(OneToHundred(), statistic)).ShouldBeTrue();

    [Theory]
    [InlineData("p50", 2)] // rank 3 of 1,2,2,2,3,10
    [InlineData("p90", 10)] // rank ceil(5.4) = 6
    [InlineData("p66.6", 2)] // rank ceil(3.996) = 4
    [InlineData("p66.7", 3)] // rank ceil(4.002) = 5
    [InlineData("tm50", 5.0 / 3)] // 1, 2, 2
    [InlineData("TM(:2)", 1.75)] // 1, 2, 2, 2
    [InlineData("TM(1:2)", 2)]
    [InlineData("TC(1:2)", 3)]
    [InlineData("PR(1:2)", 50)]
    [InlineData("TC(20%:80%)", 4)] // ranks (floor 1.2, ceil 4.8] = 2..5
    [InlineData("TM(20%:80%)", 2.25)] // 2, 2, 2, 3
    public void Duplicates_count_each_time(string statistic, double expected)
    {
        var set = new SampleSet();
        foreach (var v in new double[] { 10, 2, 1, 2, 3, 2 })
        {
            set.Add(v);
        }
        Stat(set, statistic).ShouldBe(expected, 1e-12);
    }

    [Theory]
    [InlineData("SampleCount", 100)]
    [InlineData("Average", 50.5)]
    [InlineData("p50", 1)]
    [InlineData("p50.01", 100)]
    [InlineData("tm90", 45)] // 50 ones and 40 hundreds
    [InlineData("tc90", 90)]
    [InlineData("ts90", 4050)]
    [InlineData("WM(10%:90%)", 50.5)] // 10·1 + 40·1 + 40·100 + 10·100
    [InlineData("TM(10%:90%)", 50.5)] // 40 ones, 40 hundreds
    [InlineData("PR(:1)", 50)]
    public void Weighted_values_count_as_that_many_samples(string statistic, double expected)
    {
        var set = new SampleSet();
        set.Add(100, 50);
        set.Add(1, 50);
        Stat(set, statistic).ShouldBe(expected, 1e-9);
    }

    [Fact]
    public void Statistic_sets_of_equal_values_behave_like_raw_values()
    {
        var set = new SampleSet();
        set.AddStatisticSet(sampleCount: 3, sum: 30, min: 10, max: 10);
        set.AddStatisticSet(sampleCount: 1, sum: 50, min: 50, max: 50);
        set.Add(20);
        Stat(set, "SampleCount").ShouldBe(5);
        Stat(set, "Sum").ShouldBe(100);
        Stat(set, "p50").ShouldBe(10);
        Stat(set, "p80").ShouldBe(20);
        Stat(set, "p100").ShouldBe(50);
        Stat(set, "tm80").ShouldBe(12.5); // 10, 10, 10, 20
        set.HasDistribution.ShouldBeTrue();
    }

    [Fact]
    public void A_statistic_set_with_a_spread_leaves_only_the_basic_statistics()
    {
        var set = new SampleSet();
        set.Add(5);
        set.AddStatisticSet(sampleCount: 2, sum: 30, min: 10, max: 20);
        Stat(set, "SampleCount").ShouldBe(3);
        Stat(set, "Sum").ShouldBe(35);
        Stat(set, "Average").ShouldBe(35.0 / 3, 1e-12);
        Stat(set, "Minimum").ShouldBe(5);
        Stat(set, "Maximum").ShouldBe(20);
        set.HasDistribution.ShouldBeFalse();
        foreach (var s in new[] { "p50", "tm90", "IQM", "wm90", "tc90", "ts90", "PR(:10)", "TC(1:100)" })
        {
            double.IsNaN(Stat(set, s)).ShouldBeTrue(s);
        }
    }

    [Fact]
    public void A_statistic_set_whose_sum_disagrees_with_min_times_count_has_no_percentiles()
    {
        var set = new SampleSet();
        set.AddStatisticSet(sampleCount: 2, sum: 25, min: 10, max: 10);
        double.IsNaN(Stat(set, "p50")).ShouldBeTrue();
        Stat(set, "Sum").ShouldBe(25);
    }

    [Fact]
    public void Negative_values_disable_extended_statistics_as_AWS_documents()
    {
        var set = new SampleSet();
        set.Add(-1);
        set.Add(5);
        Stat(set, "Minimum").ShouldBe(-1);
        Stat(set, "Average").ShouldBe(2);
        double.IsNaN(Stat(set, "p50")).ShouldBeTrue();
        double.IsNaN(Stat(set, "PR(:0)")).ShouldBeTrue();
    }

    [Fact]
    public void Zeros_are_ordinary_values()
    {
        var set = new SampleSet();
        set.Add(0, 3);
        set.Add(4);
        Stat(set, "p75").ShouldBe(0);
        Stat(set, "p76").ShouldBe(4);
        Stat(set, "PR(:0)").ShouldBe(75);
    }

    [Fact]
    public void An_empty_set_has_no_datapoint()
    {
        var set = new SampleSet();
        double.IsNaN(Stat(set, "SampleCount")).ShouldBeTrue();
        double.IsNaN(Stat(set, "p50")).ShouldBeTrue();
    }

    [Fact]
    public void Clear_resets_everything_and_reuses_the_arrays()
    {
        var set = new SampleSet(capacity: 4);
        for (var i = 0; i < 1000; i++)
        {
            set.Add(i);
        }
        set.AddStatisticSet(2, 3, 1, 2);
        set.Clear();
        set.Add(7);
        set.Add(3);
        Stat(set, "SampleCount").ShouldBe(2);
        Stat(set, "p50").ShouldBe(3);
        set.HasDistribution.ShouldBeTrue();

        // Steady state: refilling a cleared set to the same size allocates nothing.
        for (var round = 0; round < 2; round++)
        {
            set.Clear();
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1000; i++)
            {
                set.Add(1000 - i, 2);
            }
            _ = set.Compute(StatisticSpec.Parse("p99"));
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (round == 1)
            {
                allocated.ShouldBeLessThan(200); // the parsed spec's string only
            }
        }
    }

    [Fact]
    public void Bad_input_is_refused()
    {
        var set = new SampleSet();
        Should.Throw<ArgumentOutOfRangeException>(() => set.Add(double.NaN));
        Should.Throw<ArgumentOutOfRangeException>(() => set.Add(1, -1));
        Should.Throw<ArgumentException>(() => set.AddStatisticSet(0, 0, 0, 0));
        Should.Throw<ArgumentException>(() => set.AddStatisticSet(2, 3, 2, 1));
        set.Add(1, 0);
        set.IsEmpty.ShouldBeTrue();
    }

    // Brute force over the expanded multiset: nearest rank ceil(q·N), ranges keep ranks floor(a·N)+1 .. ceil(b·N).
    private static double RefPercentile(double[] sorted, double percent) =>
        sorted[Math.Max(1, (int)Math.Ceiling(percent / 100 * sorted.Length - 1e-9)) - 1];

    private static double RefTrimmedMean(double[] sorted, double lowPercent, double highPercent)
    {
        var from = (int)Math.Floor(lowPercent / 100 * sorted.Length + 1e-9);
        var to = (int)Math.Ceiling(highPercent / 100 * sorted.Length - 1e-9);
        return to <= from ? double.NaN : sorted[from..to].Average();
    }

    [Fact]
    public void Percentiles_and_trimmed_means_match_a_brute_force_reference()
    {
        var random = new Random(20240601);
        var set = new SampleSet();
        for (var trial = 0; trial < 300; trial++)
        {
            set.Clear();
            var expanded = new List<double>();
            var entries = random.Next(1, 60);
            for (var i = 0; i < entries; i++)
            {
                var value = Math.Round(random.NextDouble() * 50, random.Next(0, 3));
                var count = random.Next(0, 4) == 0 ? random.Next(1, 6) : 1;
                set.Add(value, count);
                expanded.AddRange(Enumerable.Repeat(value, count));
            }
            var sorted = expanded.Order().ToArray();
            var p = Math.Round(random.NextDouble() * 100, 2);
            var lo = Math.Round(random.NextDouble() * 49.9, 1);
            var hi = Math.Round(50 + random.NextDouble() * 50, 1);
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            set.Compute(StatisticSpec.Parse(string.Create(inv, $"p{p}"))).ShouldBe(RefPercentile(sorted, p));
            ShouldMatch(set.Compute(StatisticSpec.Parse(string.Create(inv, $"TM({lo}%:{hi}%)"))), RefTrimmedMean(sorted, lo, hi));
            ShouldMatch(set.Compute(StatisticSpec.Parse(string.Create(inv, $"tm{p}"))), RefTrimmedMean(sorted, 0, p));
        }
    }

    [Fact]
    public void Percentiles_at_the_edges_of_every_set_size_match_the_reference()
    {
        // Ranks above N - 1 and at most 1 are answered from the minimum and maximum without sorting; the rest sort.
        var random = new Random(7);
        var set = new SampleSet();
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        for (var size = 1; size <= 150; size++)
        {
            set.Clear();
            var expanded = new List<double>();
            while (expanded.Count < size)
            {
                var value = Math.Round(random.NextDouble() * 100, 1);
                var count = Math.Min(random.Next(0, 5) == 0 ? random.Next(2, 4) : 1, size - expanded.Count);
                set.Add(value, count);
                expanded.AddRange(Enumerable.Repeat(value, count));
            }
            var sorted = expanded.Order().ToArray();
            foreach (var p in new[] { 0, 0.5, 1, 1.5, 2, 50, 97.5, 98.9, 99, 99.2, 99.5, 99.9, 100 })
            {
                set.Compute(StatisticSpec.Parse(string.Create(inv, $"p{p}"))).ShouldBe(RefPercentile(sorted, p), $"p{p} of {size}");
            }
        }
    }

    [Fact]
    public void Adding_a_range_is_adding_each_value()
    {
        var random = new Random(11);
        var one = new SampleSet(4);
        var each = new SampleSet(4);
        string[] statistics = ["SampleCount", "Sum", "Average", "Minimum", "Maximum", "p50", "p90", "tm80", "IQM", "TC(10:60)"];
        for (var trial = 0; trial < 200; trial++)
        {
            one.Clear();
            each.Clear();
            for (var part = random.Next(1, 4); part > 0; part--)
            {
                var values = Enumerable.Range(0, random.Next(0, 40)).Select(_ => Math.Round(random.NextDouble() * 100, 1)).ToArray();
                if (random.Next(3) == 0)
                {
                    Array.Sort(values);
                }
                var counts = random.Next(3) == 0 ? values.Select(_ => (double)random.Next(0, 3)).ToArray() : [];
                one.AddRange(values, counts);
                for (var i = 0; i < values.Length; i++)
                {
                    each.Add(values[i], counts.Length == 0 ? 1 : counts[i]);
                }
            }
            foreach (var statistic in statistics)
            {
                var spec = StatisticSpec.Parse(statistic);
                ShouldMatch(one.Compute(spec), each.Compute(spec));
            }
        }
        Should.Throw<ArgumentOutOfRangeException>(() => one.AddRange([1, double.NaN], default));
    }

    private static void ShouldMatch(double actual, double expected)
    {
        if (double.IsNaN(expected))
        {
            double.IsNaN(actual).ShouldBeTrue();
        }
        else
        {
            actual.ShouldBe(expected, 1e-9 * Math.Max(1, Math.Abs(expected)));
        }
    }
}
