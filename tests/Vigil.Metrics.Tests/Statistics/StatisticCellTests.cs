using System.Buffers;
using System.Globalization;
using Vigil.Metrics.Statistics;

namespace Vigil.Metrics.Tests.Statistics;

public sealed class StatisticCellTests
{
    private const double Alpha = RelativeErrorSketch.RelativeAccuracy * 1.0001;

    private static StatisticCell Cell(IEnumerable<int> values)
    {
        var cell = new StatisticCell();
        foreach (var v in values)
        {
            cell.Add(v);
        }
        return cell;
    }

    private static double Stat(StatisticCell cell, string statistic) => cell.Compute(StatisticSpec.Parse(statistic));

    [Theory]
    [InlineData("SampleCount", 100, 0)]
    [InlineData("Sum", 5050, 0)]
    [InlineData("Average", 50.5, 0)]
    [InlineData("Minimum", 1, 0)]
    [InlineData("Maximum", 100, 0)]
    [InlineData("p0", 1, 0)] // exact: the minimum
    [InlineData("p100", 100, 0)] // exact: the maximum
    [InlineData("p50", 50, Alpha)]
    [InlineData("p99", 99, Alpha)]
    [InlineData("p99.5", 100, Alpha)]
    [InlineData("tc90", 90, 0)] // ranks only: exact
    [InlineData("TC(10%:90%)", 80, 0)]
    [InlineData("tm90", 45.5, Alpha)]
    [InlineData("ts90", 4095, Alpha)]
    [InlineData("TM(10%:90%)", 50.5, Alpha)]
    [InlineData("IQM", 50.5, Alpha)]
    [InlineData("WM(10%:90%)", 50.5, Alpha)]
    [InlineData("wm98", 50.47, Alpha)]
    [InlineData("TM(20.5:30.5)", 25.5, Alpha)] // bounds away from samples: same samples kept
    [InlineData("TC(20.5:30.5)", 10, 0)]
    [InlineData("PR(:30.5)", 30, 0)]
    [InlineData("PR(50.5:)", 50, 0)]
    public void Statistics_from_the_sketch_over_one_to_a_hundred(string statistic, double expected, double relativeError)
    {
        var cell = Cell(Enumerable.Range(1, 100));
        var actual = Stat(cell, statistic);
        Math.Abs(actual - expected).ShouldBeLessThanOrEqualTo(relativeError * Math.Abs(expected) + 1e-9, $"{statistic}: {actual}");
    }

    [Fact]
    public void A_cell_from_a_sample_set_answers_like_one_built_from_the_entries()
    {
        var set = new SampleSet();
        var direct = new StatisticCell();
        var random = new Random(5);
        for (var i = 0; i < 500; i++)
        {
            var v = Math.Round(random.NextDouble() * 300, 1);
            var c = random.Next(1, 3);
            set.Add(v, c);
            direct.Add(v, c);
        }
        set.AddStatisticSet(4, 40, 10, 10);
        direct.AddStatisticSet(4, 40, 10, 10);
        var fromSet = StatisticCell.FromSampleSet(set);
        foreach (var s in new[] { "SampleCount", "Sum", "Minimum", "Maximum", "p10", "p50", "p99.9", "tm90", "IQM", "WM(5%:95%)", "PR(:100)" })
        {
            fromSet.Compute(StatisticSpec.Parse(s)).ShouldBe(direct.Compute(StatisticSpec.Parse(s)), 1e-9, s);
        }
        Encode(fromSet).ShouldBe(Encode(direct));
    }

    [Fact]
    public void Merged_cells_equal_the_cell_of_the_union()
    {
        var merged = Cell(Enumerable.Range(1, 50));
        merged.Merge(Cell(Enumerable.Range(51, 50)));
        merged.Merge(new StatisticCell()); // empty: no effect
        var whole = Cell(Enumerable.Range(1, 100));
        Encode(merged).ShouldBe(Encode(whole));
        Stat(merged, "p50").ShouldBe(Stat(whole, "p50"));
        Stat(merged, "Average").ShouldBe(50.5);

        var intoEmpty = new StatisticCell();
        intoEmpty.Merge(whole);
        Encode(intoEmpty).ShouldBe(Encode(whole));
    }

    [Fact]
    public void An_inexpressible_statistic_set_drops_the_distribution_and_merging_keeps_it_dropped()
    {
        var sets = new StatisticCell();
        sets.AddStatisticSet(sampleCount: 10, sum: 150, min: 10, max: 20);
        sets.Sketch.ShouldBeNull();
        sets.HasDistribution.ShouldBeFalse();
        Stat(sets, "Average").ShouldBe(15);
        double.IsNaN(Stat(sets, "p50")).ShouldBeTrue();

        var raw = Cell(Enumerable.Range(1, 10));
        raw.Merge(sets);
        raw.Sketch.ShouldBeNull();
        Stat(raw, "SampleCount").ShouldBe(20);
        Stat(raw, "Sum").ShouldBe(205);
        Stat(raw, "Minimum").ShouldBe(1);
        Stat(raw, "Maximum").ShouldBe(20);
        double.IsNaN(Stat(raw, "tm90")).ShouldBeTrue();

        raw.Add(5); // later raw data does not bring the distribution back
        double.IsNaN(Stat(raw, "p50")).ShouldBeTrue();
    }

    [Fact]
    public void Statistic_sets_of_equal_values_keep_percentiles()
    {
        var cell = new StatisticCell();
        cell.AddStatisticSet(sampleCount: 3, sum: 30, min: 10, max: 10);
        cell.Add(50);
        Stat(cell, "p75").ShouldBe(10, 10 * Alpha);
        Stat(cell, "p76").ShouldBe(50);
    }

    [Fact]
    public void Negative_values_disable_extended_statistics()
    {
        var cell = Cell([-3, 4, 5]);
        Stat(cell, "Minimum").ShouldBe(-3);
        Stat(cell, "Sum").ShouldBe(6);
        double.IsNaN(Stat(cell, "p50")).ShouldBeTrue();
        double.IsNaN(Stat(cell, "PR(:0)")).ShouldBeTrue();
    }

    [Fact]
    public void An_empty_cell_has_no_datapoint()
    {
        var cell = new StatisticCell();
        cell.IsEmpty.ShouldBeTrue();
        double.IsNaN(Stat(cell, "SampleCount")).ShouldBeTrue();
        double.IsNaN(Stat(cell, "p50")).ShouldBeTrue();
    }

    private static byte[] Encode(StatisticCell cell)
    {
        var writer = new ArrayBufferWriter<byte>();
        cell.WriteTo(writer);
        return writer.WrittenSpan.ToArray();
    }

    [Fact]
    public void Serialization_round_trips_cells_with_and_without_a_sketch()
    {
        var withSketch = Cell(Enumerable.Range(1, 1000));
        var withoutSketch = new StatisticCell();
        withoutSketch.AddStatisticSet(3, 10, 1, 5);
        foreach (var cell in new[] { withSketch, withoutSketch, new StatisticCell() })
        {
            var bytes = Encode(cell).Concat(new byte[] { 0xEE }).ToArray();
            var back = StatisticCell.ReadFrom(bytes, out var read);
            read.ShouldBe(bytes.Length - 1);
            Encode(back).ShouldBe(bytes[..^1]);
            back.SampleCount.ShouldBe(cell.SampleCount);
            back.HasDistribution.ShouldBe(cell.HasDistribution);
            foreach (var s in new[] { "Sum", "Minimum", "Maximum", "p90", "TM(10%:90%)" })
            {
                var a = Stat(back, s);
                var b = Stat(cell, s);
                (a == b || double.IsNaN(a) && double.IsNaN(b)).ShouldBeTrue(s);
            }
        }
    }

    [Fact]
    public void Sketch_statistics_stay_within_one_percent_of_the_exact_ones_on_random_data()
    {
        var random = new Random(424242);
        var set = new SampleSet();
        var inv = CultureInfo.InvariantCulture;
        for (var trial = 0; trial < 200; trial++)
        {
            set.Clear();
            var n = random.Next(1, 2000);
            for (var i = 0; i < n; i++)
            {
                var v = trial % 2 == 0 ? random.NextDouble() * 500 : Math.Exp(2 + 1.2 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
                set.Add(random.Next(10) == 0 ? 0 : v, random.Next(1, 3));
            }
            var cell = StatisticCell.FromSampleSet(set);
            var p = Math.Round(random.NextDouble() * 100, 2);
            var lo = Math.Round(random.NextDouble() * 40, 1);
            var hi = Math.Round(60 + random.NextDouble() * 40, 1);
            var range = string.Create(inv, $"({lo}%:{hi}%)");
            var percent = p.ToString(inv);
            foreach (var s in new[] { "p" + percent, "tm" + percent, "TM" + range, "WM" + range, "TS" + range, "IQM" })
            {
                var spec = StatisticSpec.Parse(s);
                var exact = set.Compute(spec);
                var approx = cell.Compute(spec);
                if (double.IsNaN(exact))
                {
                    double.IsNaN(approx).ShouldBeTrue(s);
                }
                else
                {
                    Math.Abs(approx - exact).ShouldBeLessThanOrEqualTo(0.01 * Math.Abs(exact) + 1e-12, $"{s}: {approx} vs {exact}");
                }
            }
            // Counting by percent only needs ranks, so it is exact.
            var tc = StatisticSpec.Parse("TC" + range);
            cell.Compute(tc).ShouldBe(set.Compute(tc), 1e-9);
        }
    }
}
