using Vigil.Metrics.Engine;

namespace Vigil.Metrics.Tests.Engine;

public sealed class SampleBufferTests
{
    [Fact]
    public void Sorting_by_time_is_stable_and_keeps_values_and_counts_with_their_timestamps()
    {
        var rng = new Random(9);
        for (var run = 0; run < 500; run++)
        {
            // Narrow spans with many equal timestamps, and (every fifth run) spans too wide for the packed sort key.
            var wide = run % 5 == 0;
            var n = rng.Next(0, 300);
            var samples = Enumerable.Range(0, n).Select(i =>
            {
                var ts = wide ? (rng.Next(2) == 0 ? long.MinValue / 2 : long.MaxValue / 2) + rng.Next(10) : 1_795_000_000L + rng.Next(0, 40) * 10;
                return (Ts: ts, Value: (double)i, Count: (double)(i % 7) + 2);
            }).ToList();
            var buffer = new SampleBuffer();
            foreach (var (ts, value, count) in samples)
            {
                buffer.Add(ts, value, count);
            }
            buffer.SortByTime();
            var expected = samples.OrderBy(s => s.Ts).ToList(); // LINQ's OrderBy is stable
            buffer.Timestamps.ToArray().ShouldBe(expected.Select(s => s.Ts).ToArray());
            buffer.Values.ToArray().ShouldBe(expected.Select(s => s.Value).ToArray(), "equal timestamps keep their arrival order");
            buffer.Counts.ToArray().ShouldBe(expected.Select(s => s.Count).ToArray());
        }
    }
}
