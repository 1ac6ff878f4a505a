using Shouldly;
using Vigil.Logs.Insights.Functions;
using Xunit;

namespace Vigil.Logs.Tests.Insights;

public class PercentileSketchTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Quantiles_of_merged_sketches_stay_within_the_relative_error_of_the_exact_nearest_rank(int seed)
    {
        // Past the exact limit, over ranges that move the bucket array at both ends: negatives, zeros, tiny and
        // huge magnitudes, a narrow cluster that arrives first.
        var random = new Random(seed);
        var values = new List<double>();
        for (var i = 0; i < 30_000; i++)
        {
            values.Add(random.Next(6) switch
            {
                0 => -Math.Exp(random.NextDouble() * 20 - 5),
                1 => 0,
                2 => Math.Exp(random.NextDouble() * 60 - 25),
                _ => 200 + random.NextDouble(),
            });
        }

        var parts = Enumerable.Range(0, 3).Select(_ => new PercentileSketch()).ToArray();
        for (var i = 0; i < values.Count; i++)
        {
            parts[i % 3].Add(values[i]);
        }

        parts[0].Merge(parts[1]);
        parts[0].Merge(parts[2]);
        var sorted = values.Order().ToArray();
        foreach (var q in new[] { 0, 0.001, 0.1, 0.25, 0.3, 0.5, 0.9, 0.99, 0.999, 1 })
        {
            var exact = sorted[Math.Max(1, (int)Math.Ceiling(q * sorted.Length)) - 1];
            var estimate = parts[0].Quantile(q)!.Value;
            if (exact == 0)
            {
                estimate.ShouldBe(0, $"q {q}");
            }
            else
            {
                estimate.ShouldBe(exact, Math.Abs(exact) * PercentileSketch.RelativeError * 1.0001, $"q {q}");
            }
        }
    }
}
