using System.Globalization;
using Vigil.Storage.Wal;

namespace Vigil.Storage.Tests.Wal;

public sealed class WalSegmentTests
{
    private const long SegmentBytes = 1024;

    [Fact]
    public async Task Segments_roll_over_at_the_size_limit_and_are_named_by_their_first_lsn()
    {
        using var temp = new TempDirectory();
        await using (var log = WalTestKit.Open(temp.Path, SegmentBytes))
        {
            for (var i = 0; i < 200; i++)
            {
                await log.AppendAsync(WalTestKit.Payload(i, 100));
            }
        }

        var segments = WalTestKit.Segments(temp.Path);
        segments.Length.ShouldBeGreaterThan(10);
        var expectedFirst = 1L;
        foreach (var segment in segments)
        {
            var length = new FileInfo(segment).Length;

            // One record at a time here, so a segment overshoots the limit by at most one record.
            length.ShouldBeLessThan(SegmentBytes + WalTestKit.RecordSize(100));
            Path.GetFileName(segment).ShouldBe(expectedFirst.ToString("D20", CultureInfo.InvariantCulture) + ".wal");
            expectedFirst += (length - WalFormat.SegmentHeaderSize) / WalTestKit.RecordSize(100);
        }

        expectedFirst.ShouldBe(201);
        var (report, records) = await WalTestKit.Reopen(temp.Path, SegmentBytes);
        report.SegmentsScanned.ShouldBe(segments.Length);
        records.Select(r => r.Payload).ShouldBe(Enumerable.Range(0, 200).Select(i => WalTestKit.Payload(i, 100)));
    }

    [Fact]
    public async Task TruncateBefore_deletes_only_segments_wholly_below_the_lsn()
    {
        using var temp = new TempDirectory();
        await using (var log = WalTestKit.Open(temp.Path, SegmentBytes))
        {
            for (var i = 0; i < 100; i++)
            {
                await log.AppendAsync(WalTestKit.Payload(i, 100));
            }

            var before = WalTestKit.Segments(temp.Path);
            var third = FirstLsn(before[2]);

            // An LSN inside the third segment keeps it: it still holds records >= the LSN.
            log.TruncateBefore(third + 1).ShouldBe(2);
            WalTestKit.Segments(temp.Path).ShouldBe(before[2..]);
            log.TruncateBefore(third).ShouldBe(0);

            // Everything acknowledged is checkpointed: all but the newest segment go.
            log.TruncateBefore(long.MaxValue).ShouldBe(before.Length - 3);
            WalTestKit.Segments(temp.Path).ShouldBe([before[^1]]);
            (await log.AppendAsync(WalTestKit.Payload(100, 100))).ShouldBe(101);
        }

        var (report, records) = await WalTestKit.Reopen(temp.Path, SegmentBytes);
        report.Damage.ShouldBe(WalDamage.None);
        report.NextLsn.ShouldBe(102);
        records[0].Lsn.ShouldBe(report.FirstLsn);
        records[^1].Lsn.ShouldBe(101);
        records.Select(r => r.Payload).ShouldBe(
            Enumerable.Range((int)report.FirstLsn - 1, records.Count).Select(i => WalTestKit.Payload(i, 100)));
    }

    [Fact]
    public async Task Lsns_survive_a_checkpoint_of_everything_and_a_reopen()
    {
        using var temp = new TempDirectory();
        await using (var log = WalTestKit.Open(temp.Path, SegmentBytes))
        {
            for (var i = 0; i < 50; i++)
            {
                await log.AppendAsync(WalTestKit.Payload(i, 100));
            }

            log.TruncateBefore(51);
        }

        await using (var log = WalTestKit.Open(temp.Path, SegmentBytes))
        {
            log.Recovery.NextLsn.ShouldBe(51);
            (await log.AppendAsync(WalTestKit.Payload(50, 100))).ShouldBe(51);
        }
    }

    private static long FirstLsn(string segmentPath) =>
        long.Parse(Path.GetFileNameWithoutExtension(segmentPath), CultureInfo.InvariantCulture);
}
