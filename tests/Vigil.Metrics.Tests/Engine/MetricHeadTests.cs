using Vigil.Metrics.Engine;

namespace Vigil.Metrics.Tests.Engine;

public sealed class MetricHeadTests
{
    [Fact]
    public void A_head_after_a_checkpoint_sizes_each_series_from_the_head_before_it()
    {
        var previous = new MetricHead();
        for (var i = 0; i < 1000; i++)
        {
            previous.Add(seriesId: 3, timestamp: 1_795_000_000L + (i * 10), value: i, count: 1);
        }
        previous.Add(seriesId: 5000, timestamp: 1_795_000_000L, value: 1, count: 1);

        var next = new MetricHead(previous);
        next.Add(seriesId: 3, timestamp: 1_795_010_000L, value: 1, count: 1);
        next.Add(seriesId: 7, timestamp: 1_795_010_000L, value: 1, count: 1);

        // 1,000 datapoints last time: room for them (and an eighth more) from the first one, no growth by doubling.
        next.Get(3)!.HeapBytes.ShouldBeGreaterThanOrEqualTo(1000 * 16);
        next.Get(3)!.HeapBytes.ShouldBeLessThan(1200 * 16);
        next.Get(7)!.HeapBytes.ShouldBeLessThan(200, "a series new to the head starts small");
        next.Get(5000).ShouldBeNull("nothing is allocated for a series until it takes a datapoint");
        next.SampleCount.ShouldBe(2);
        previous.SampleCount.ShouldBe(1001, "the previous head is only read");
    }
}
