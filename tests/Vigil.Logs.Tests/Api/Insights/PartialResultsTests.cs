using Vigil.Logs.Api.Insights;
using Vigil.Logs.Insights;
using Vigil.Logs.Tests.Engine;
using Vigil.Logs.Tests.Insights;

namespace Vigil.Logs.Tests.Api.Insights;

/// <summary>A running query publishes its results so far at source boundaries: counts only grow, every snapshot is
/// a result of the events scanned until then, and the final result is the same as without partial results.</summary>
public sealed class PartialResultsTests
{
    [Theory]
    [InlineData("stats count(*) as n by level")]
    [InlineData("fields level, n | sort n desc | limit 3")]
    [InlineData("filter level = \"ERROR\" | fields n | limit 5")]
    public async Task Snapshots_grow_towards_the_result_a_scan_without_them_gives(string text)
    {
        await using var f = new LogStoreFixture(chunkBytes: 1024); // ~25 events a chunk: many sources
        await f.CreateAsync("a", "b");
        var t0 = LogStoreFixture.Ms(LogStoreFixture.T0);
        for (var batch = 0; batch < 20; batch++)
        {
            var events = Enumerable.Range(0, 50)
                .Select(i => (t0 + (batch * 1000) + i, $$"""{"level":"{{(i % 5 == 0 ? "ERROR" : "INFO")}}","n":{{(batch * 50) + i}}}"""))
                .ToArray();
            await f.PutAsync(batch % 2 == 0 ? "a" : "b", events);
        }

        await f.Store.CheckpointAsync();
        var query = InsightsQuery.Compile(text);
        var (plain, plainScan) = QueryRegistry.Run(f.Store, query, [LogStoreFixture.Group], null, CancellationToken.None);
        var expected = InsightsCorpus.Render(plain);

        var snapshots = new List<InsightsResult>();
        var partial = new PartialResults(query, TimeSpan.Zero, TimeProvider.System, r => snapshots.Add(r), costFactor: 0); // called under its lock
        var (result, scan) = QueryRegistry.Run(f.Store, query, [LogStoreFixture.Group], null, CancellationToken.None, partial);

        InsightsCorpus.Render(result).ShouldBe(expected);
        if (text.Contains("sort", StringComparison.Ordinal) || text.StartsWith("stats", StringComparison.Ordinal))
        {
            plainScan.RecordsScanned.ShouldBe(1000);
            scan.RecordsScanned.ShouldBe(1000);
            snapshots.Count.ShouldBeGreaterThan(5);
            snapshots[0].Statistics.RecordsScanned.ShouldBeLessThan(1000);
        }
        else
        {
            snapshots.ShouldNotBeEmpty(); // the limit-only query stops early, after a timing-dependent number of sources
        }
        snapshots.Select(s => s.Statistics.RecordsScanned).ShouldBeInOrder(SortDirection.Ascending);
        if (text.StartsWith("stats", StringComparison.Ordinal))
        {
            foreach (var s in snapshots)
            {
                var counts = s.Rows.Sum(r => long.Parse(r.Single(c => c.Field == "n").Value, System.Globalization.CultureInfo.InvariantCulture));
                counts.ShouldBe(s.Statistics.RecordsMatched); // each snapshot counts exactly what it has scanned
            }
        }
    }

    [Fact]
    public void A_costly_snapshot_delays_the_next_by_ten_times_its_cost()
    {
        var clock = new TickClock();
        var query = InsightsQuery.Compile("stats count(*) as n");
        var published = new List<long>();
        var partial = new PartialResults(query, TimeSpan.Zero, clock, r =>
        {
            published.Add(r.Statistics.RecordsMatched);
            clock.Advance(TimeSpan.FromMilliseconds(100)); // this snapshot "took" 100 ms
        });

        void Handover(int events, TimeSpan after)
        {
            clock.Advance(after);
            var accumulator = query.CreateAccumulator();
            for (var i = 0; i < events; i++)
            {
                accumulator.Add(new Vigil.Logs.Insights.Execution.LogEventInput("a:g", "s", i, i, i, "m"));
            }

            partial.Absorb(accumulator);
        }

        Handover(1, TimeSpan.Zero);                      // published at once: 1
        Handover(2, TimeSpan.FromMilliseconds(500));     // 0.5 s after a 100 ms snapshot: merged, not published
        Handover(3, TimeSpan.FromMilliseconds(600));     // 1.1 s after: published with everything so far
        published.ShouldBe([1, 6]);
        query.Finish(partial.Complete([])).Statistics.RecordsMatched.ShouldBe(6);
    }

    /// <summary>A timestamp clock the test moves by hand.</summary>
    private sealed class TickClock : TimeProvider
    {
        private long _ticks = 1;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
