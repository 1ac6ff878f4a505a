using Vigil.Metrics.Engine;
using Vigil.Storage.Tests;
using Vigil.Metrics.Model;
using Vigil.Storage.IO;

namespace Vigil.Metrics.Tests.Engine;

public sealed class MetricStoreTests
{
    private static readonly MetricIdentity Cpu = new("App", "CPU", [new("Host", "a")]);

    private static MetricStore Open(TempDirectory dir) =>
        MetricStore.Open(new MetricStoreOptions { Directory = dir.Path, Sync = SyncMode.None, BackgroundCheckpoints = false });

    private static SeriesInfo Series(MetricStore store, MetricIdentity metric, string account = "111111111111") =>
        store.Catalog.GetOrAdd(new SeriesKey(account, "us-east-1", metric, "Percent", false), out _);

    private static double[] ReadValues(MetricStore store, int id, long start = long.MinValue, long end = long.MaxValue)
    {
        var buffer = new SampleBuffer();
        store.Read(id, start, end, buffer);
        return buffer.Values.ToArray();
    }

    [Fact]
    public async Task Datapoints_survive_checkpoints_and_restarts_in_time_order()
    {
        using var dir = new TempDirectory();
        const long t0 = 1_700_000_000;
        await using (var store = Open(dir))
        {
            var s = Series(store, Cpu);
            var batch = new MetricWriteBatch();
            batch.Add(s, t0 + 20, 3);
            batch.Add(s, t0, 1, 2);
            await store.WriteAsync(batch);
            await store.CheckpointAsync();
            batch.Clear();
            batch.Add(s, t0 + 10, 2);
            batch.Add(s, t0 + MetricStore.WindowSeconds, 4); // next day-window
            batch.AddSet(s, t0 + 30, 2, 10, 4, 6);
            await store.WriteAsync(batch);
            ReadValues(store, s.Id).ShouldBe([1, 2, 3, 4]);
        }
        await using (var store = Open(dir))
        {
            var s = Series(store, Cpu);
            s.Id.ShouldBe(0);
            store.HeadSamples.ShouldBe(3); // replayed from the WAL after the checkpoint
            var buffer = new SampleBuffer();
            store.Read(s.Id, t0, t0 + 25, buffer);
            buffer.Timestamps.ToArray().ShouldBe([t0, t0 + 10, t0 + 20]);
            buffer.Counts.ToArray().ShouldBe([2, 1, 1]);
            store.Read(s.Id, t0 + 25, t0 + 40, buffer = new SampleBuffer());
            buffer.Sets.ShouldBe([new StatisticSetSample(t0 + 30, 2, 10, 4, 6)]);
            await store.CheckpointAsync();
            store.Blocks.Count.ShouldBe(3); // day 1 twice (two checkpoints), day 2 once
        }
        await using (var store = Open(dir))
        {
            store.HeadSamples.ShouldBe(0);
            ReadValues(store, Series(store, Cpu).Id).ShouldBe([1, 2, 3, 4]);
            store.Catalog.Count.ShouldBe(1);
        }
    }

    [Fact]
    public async Task Series_created_after_a_checkpoint_are_recovered_from_the_wal()
    {
        using var dir = new TempDirectory();
        var other = new MetricIdentity("App", "Mem", []);
        await using (var store = Open(dir))
        {
            var batch = new MetricWriteBatch();
            batch.Add(Series(store, Cpu), 1_700_000_000, 1);
            await store.WriteAsync(batch);
            await store.CheckpointAsync();
            batch.Clear();
            batch.Add(Series(store, other, "222222222222"), 1_700_000_060, 9);
            await store.WriteAsync(batch);
        }
        await using (var reopened = Open(dir))
        {
            reopened.Catalog.Count.ShouldBe(2);
            reopened.Catalog.Metrics("222222222222", "us-east-1").Single().Key.ShouldBe(other);
            reopened.Catalog.Metrics("111111111111", "us-east-1").Single().Key.ShouldBe(Cpu);
            ReadValues(reopened, 1).ShouldBe([9]);
        }
    }

    [Fact]
    public async Task A_block_left_by_a_crashed_checkpoint_is_ignored_and_deleted()
    {
        using var dir = new TempDirectory();
        await using (var store = Open(dir))
        {
            var batch = new MetricWriteBatch();
            batch.Add(Series(store, Cpu), 1_700_000_000, 5);
            await store.WriteAsync(batch);
        }
        var stray = Path.Combine(dir.Path, "blocks", "raw-001699920000-00000000000000000099.blk");
        File.WriteAllBytes(stray, [1, 2, 3]);
        await using (var store = Open(dir))
        {
            File.Exists(stray).ShouldBeFalse();
            ReadValues(store, 0).ShouldBe([5]);
        }
    }

    [Fact]
    public async Task Series_created_by_concurrent_writers_recover_whatever_order_their_writes_were_logged_in()
    {
        using var dir = new TempDirectory();
        await using (var store = Open(dir))
        {
            var first = Series(store, Cpu);                                   // id 0, written second
            var second = Series(store, new MetricIdentity("App", "Mem", []));  // id 1, written first
            var b = new MetricWriteBatch();
            b.Add(second, 1_700_000_000, 2);
            await store.WriteAsync(b);
            var a = new MetricWriteBatch();
            a.Add(first, 1_700_000_000, 1);
            await store.WriteAsync(a);
        }
        await using var reopened = Open(dir);
        reopened.Catalog.Count.ShouldBe(2);
        ReadValues(reopened, 0).ShouldBe([1]);
        ReadValues(reopened, 1).ShouldBe([2]);
    }

    [Fact]
    public async Task A_windows_checkpoint_blocks_are_merged_into_one_once_they_pile_up()
    {
        using var dir = new TempDirectory();
        var now = DateTimeOffset.UtcNow;
        var t0 = MetricStore.Window(now.ToUnixTimeSeconds()) + 60;
        var other = new MetricIdentity("App", "Mem", []);
        await using (var store = Open(dir))
        {
            for (var k = 0; k < MetricStore.MergeThreshold + 1; k++)
            {
                var batch = new MetricWriteBatch();
                batch.Add(Series(store, Cpu), t0 + (k * 10), k);
                if (k % 2 == 0)
                {
                    batch.Add(Series(store, other), t0 + (k * 10), 100 + k);
                }
                await store.WriteAsync(batch);
                await store.CheckpointAsync();
            }
            store.Blocks.Count.ShouldBe(MetricStore.MergeThreshold + 1);
            await store.CompactAsync();
            store.Blocks.ShouldHaveSingleItem().FileName.ShouldEndWith("m.blk");
            ReadValues(store, 0).ShouldBe([0, 1, 2, 3, 4]);
            ReadValues(store, 1).ShouldBe([100, 102, 104]);
            Directory.EnumerateFiles(Path.Combine(dir.Path, "blocks"), "*.blk").Count().ShouldBe(1);
        }
        await using var reopened = Open(dir);
        reopened.Blocks.ShouldHaveSingleItem();
        ReadValues(reopened, 0).ShouldBe([0, 1, 2, 3, 4]);
    }

    [Fact]
    public async Task A_query_during_a_checkpoint_sees_each_datapoint_with_its_own_value()
    {
        // The checkpoint sorts a frozen head's out-of-order series in place while queries still read that head.
        using var dir = new TempDirectory();
        const long t0 = 1_700_000_000;
        const int perSeries = 200_000; // a sort long enough for reads to land inside it
        await using var store = Open(dir);
        var series = new[] { Series(store, Cpu) };
        var probe = series[0];
        for (var round = 0; round < 6; round++)
        {
            var batch = new MetricWriteBatch();
            var offset = round * perSeries * 10L;
            foreach (var s in series)
            {
                for (var i = 0; i < perSeries; i++)
                {
                    var t = t0 + offset + (((i * 7919L) % perSeries) * 10); // every timestamp once, out of order (7919 is prime)
                    batch.Add(s, t, t - t0);
                }
            }
            await store.WriteAsync(batch);

            using var stop = new CancellationTokenSource();
            var reader = Task.Run(() =>
            {
                var reads = 0;
                var buffer = new SampleBuffer();
                while (!stop.IsCancellationRequested || reads == 0)
                {
                    buffer.Clear();
                    store.Read(probe.Id, long.MinValue, long.MaxValue, buffer);
                    buffer.Count.ShouldBe((round + 1) * perSeries);
                    var ts = buffer.Timestamps;
                    var values = buffer.Values;
                    for (var i = 0; i < ts.Length; i++)
                    {
                        values[i].ShouldBe(ts[i] - t0, "a datapoint read mid-checkpoint keeps its value");
                    }
                    reads++;
                }
                return reads;
            });
            await store.CheckpointAsync();
            await stop.CancelAsync();
            (await reader).ShouldBeGreaterThan(0);
        }
    }
}
