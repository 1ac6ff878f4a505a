using System.Collections.Concurrent;
using Vigil.Storage.Wal;
using Xunit.Abstractions;

namespace Vigil.Storage.Tests.Wal;

/// <summary>
/// "Kill during a batch": a copy of the directory is what a crash would leave behind. Each
/// copy must recover to a contiguous prefix of whole appends that holds everything
/// acknowledged before the copy was taken.
/// </summary>
public sealed class WalCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_append_acknowledged_before_a_snapshot_survives_recovery_of_that_snapshot()
    {
        using var temp = new TempDirectory();
        var live = temp.Subdirectory("live");
        const long SegmentBytes = 64 * 1024; // several rollovers during the run
        const int Writers = 16;
        const int PerWriter = 250;
        var acknowledged = new ConcurrentDictionary<long, byte[]>();
        var snapshots = new List<(string Directory, long[] AcknowledgedBefore)>();

        // 1 ms per sync makes batches of many records, so copies often land inside one.
        await using (var log = WalTestKit.Open(live, SegmentBytes, hook: op =>
        {
            if (op == WalIoOperation.Sync)
            {
                Thread.Sleep(1);
            }
        }))
        {
            var appenders = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
            {
                var random = new Random(writer);
                for (var i = 0; i < PerWriter; i++)
                {
                    var payload = WalTestKit.Payload((writer * PerWriter) + i, random.Next(0, 600));
                    var lsn = await log.AppendAsync(payload);
                    acknowledged[lsn] = payload;
                }
            })).ToArray();

            var random = new Random(42);
            var appending = Task.WhenAll(appenders);
            while (!appending.IsCompleted && snapshots.Count < 12)
            {
                await Task.Delay(random.Next(1, 25));
                var before = acknowledged.Keys.ToArray(); // taken before the copy starts
                snapshots.Add((temp.CopyFiles(live, $"snapshot-{snapshots.Count}"), before));
            }

            await appending;
        }

        snapshots.Count.ShouldBeGreaterThan(3);
        foreach (var (directory, acknowledgedBefore) in snapshots)
        {
            var (report, records) = await WalTestKit.Reopen(directory, SegmentBytes);
            output.WriteLine($"{acknowledgedBefore.Length} acknowledged before copy, {records.Count} recovered, {report.Damage} dropping {report.BytesDropped} B");
            AssertWholeAppendsInOrder(records, acknowledged);
            acknowledgedBefore.Where(lsn => lsn > records.Count).ShouldBeEmpty($"acknowledged LSNs lost in {directory} ({report})");
        }
    }

    [Fact]
    public async Task Images_cut_or_holed_inside_an_unsynced_batch_keep_every_acknowledged_append()
    {
        // The copy is taken from the writer thread between a batch's write and its sync, then
        // the batch is cut at a random byte (a write that reached the disk in part) or a random
        // 4 KiB page of it is zeroed (pages persisted out of order). Neither may cost anything
        // acknowledged, and no partial record may come back.
        using var temp = new TempDirectory();
        var live = temp.Subdirectory("live");
        const long SegmentBytes = 32 * 1024;
        var acknowledged = new ConcurrentDictionary<long, byte[]>();
        var images = new List<(string Directory, long[] AcknowledgedBefore)>();
        var random = new Random(7);
        string? segmentBeforeWrite = null;
        long lengthBeforeWrite = 0;

        void Hook(WalIoOperation op)
        {
            if (images.Count >= 30)
            {
                return;
            }

            var newest = WalTestKit.Segments(live).LastOrDefault();
            if (op == WalIoOperation.Write)
            {
                segmentBeforeWrite = newest;
                lengthBeforeWrite = newest is null ? 0 : new FileInfo(newest).Length;
                return;
            }

            if (random.Next(4) != 0)
            {
                return;
            }

            var before = acknowledged.Keys.ToArray(); // every earlier batch, or a subset still completing
            var image = temp.CopyFiles(live, $"image-{images.Count}");
            var segment = Path.Combine(image, Path.GetFileName(newest!));
            var batchStart = newest == segmentBeforeWrite ? lengthBeforeWrite : WalFormat.SegmentHeaderSize;
            var batchEnd = new FileInfo(segment).Length;
            if (random.Next(2) == 0)
            {
                WalTestKit.Truncate(segment, random.NextInt64(batchStart, batchEnd + 1));
            }
            else
            {
                var page = random.NextInt64(batchStart / 4096, ((batchEnd - 1) / 4096) + 1) * 4096;
                using var stream = new FileStream(segment, FileMode.Open, FileAccess.Write);
                stream.Position = Math.Max(page, batchStart);
                stream.Write(new byte[Math.Min(page + 4096, batchEnd) - stream.Position]);
            }

            images.Add((image, before));
        }

        await using (var log = WalTestKit.Open(live, SegmentBytes, hook: Hook))
        {
            await Task.WhenAll(Enumerable.Range(0, 16).Select(writer => Task.Run(async () =>
            {
                var sizes = new Random(writer);
                for (var i = 0; i < 150; i++)
                {
                    var payload = WalTestKit.Payload((writer * 1000) + i, sizes.Next(0, 2000));
                    acknowledged[await log.AppendAsync(payload)] = payload;
                }
            })));
        }

        images.Count.ShouldBeGreaterThan(10);
        var damaged = 0;
        foreach (var (directory, acknowledgedBefore) in images)
        {
            var (report, records) = await WalTestKit.Reopen(directory, SegmentBytes);
            damaged += report.Truncated ? 1 : 0;
            AssertWholeAppendsInOrder(records, acknowledged);
            acknowledgedBefore.Where(lsn => lsn >= report.NextLsn).ShouldBeEmpty($"acknowledged LSNs lost in {directory} ({report})");
        }

        output.WriteLine($"{images.Count} crash images, {damaged} needed truncation");
        damaged.ShouldBeGreaterThan(0);
    }

    /// <summary>A contiguous prefix from LSN 1 in which each record is exactly one whole append.</summary>
    private static void AssertWholeAppendsInOrder(
        List<(long Lsn, byte Type, byte[] Payload)> records, ConcurrentDictionary<long, byte[]> appended)
    {
        // Plain loops: Shouldly per record costs seconds over tens of thousands of records.
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].Lsn != i + 1 || !records[i].Payload.AsSpan().SequenceEqual(appended[records[i].Lsn]))
            {
                Assert.Fail($"record {i} (LSN {records[i].Lsn}) is not the append it claims to be");
            }
        }
    }
}
