using Vigil.Storage.Wal;

namespace Vigil.Storage.Tests.Wal;

/// <summary>ReadDurable (reading back what was appended since open) and MinimumNextLsn (never resuming below a sealed LSN).</summary>
public sealed class WalReadBackTests
{
    [Fact]
    public async Task ReadDurable_returns_records_appended_since_open_across_segments_from_any_lsn()
    {
        using var temp = new TempDirectory();
        await using (var first = WalTestKit.Open(temp.Path, segmentBytes: 1024))
        {
            for (var i = 1; i <= 30; i++)
            {
                await first.AppendAsync(WalTestKit.Payload(i, 100));
            }
        }

        await using var log = WalTestKit.Open(temp.Path, segmentBytes: 1024);
        log.ReadDurable(1).Count().ShouldBe(30, "recovered records are read back too");
        for (var i = 31; i <= 80; i++)
        {
            await log.AppendAsync(WalTestKit.Payload(i, 100));
        }

        var records = log.ReadDurable(25).Select(r => (r.Lsn, Payload: r.Payload.ToArray())).ToList();
        records.Select(r => r.Lsn).ShouldBe(Enumerable.Range(25, 56).Select(i => (long)i));
        records.Select(r => r.Payload).ShouldBe(Enumerable.Range(25, 56).Select(i => WalTestKit.Payload(i, 100)));
        log.ReadDurable(81).ShouldBeEmpty();

        // After truncation, reading from past the truncation point still works.
        log.TruncateBefore(60).ShouldBeGreaterThan(0);
        log.ReadDurable(60).Select(r => r.Lsn).ShouldBe(Enumerable.Range(60, 21).Select(i => (long)i));
    }

    [Fact]
    public async Task ReadDurable_beside_concurrent_appends_sees_a_prefix_of_whole_records()
    {
        using var temp = new TempDirectory();
        await using var log = WalTestKit.Open(temp.Path, segmentBytes: 4096, zeroFillBytes: 8192);
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 300; i++)
            {
                await log.AppendAsync(WalTestKit.Payload((w * 1000) + i, 50 + (i % 7)));
            }
        })).ToArray();

        long next = 1;
        while (!writers.All(t => t.IsCompleted) || next <= log.DurableLsn)
        {
            foreach (var record in log.ReadDurable(next))
            {
                record.Lsn.ShouldBe(next);
                next++;
            }
        }

        await Task.WhenAll(writers);
        next.ShouldBe(1201);
    }

    [Fact]
    public async Task A_log_behind_its_minimum_is_reset_there_and_an_empty_one_starts_there()
    {
        using var temp = new TempDirectory();
        await using (var log = WalTestKit.Open(temp.Path))
        {
            for (var i = 1; i <= 10; i++)
            {
                await log.AppendAsync(WalTestKit.Payload(i, 10));
            }
        }

        // Not behind: nothing changes.
        await using (var log = WriteAheadLog.Open(new WalOptions { Directory = temp.Path, Sync = IO.SyncMode.None, MinimumNextLsn = 11 }))
        {
            log.Recovery.Damage.ShouldBe(WalDamage.None);
            log.ReadDurable(1).Count().ShouldBe(10);
        }

        // Behind: records 1..10 are (the caller says) sealed up to 40, so the log starts afresh at 41.
        await using (var log = WriteAheadLog.Open(new WalOptions { Directory = temp.Path, Sync = IO.SyncMode.None, MinimumNextLsn = 41 }))
        {
            log.Recovery.Damage.ShouldBe(WalDamage.BehindMinimum);
            log.Recovery.SegmentsDeleted.ShouldBe(1);
            log.Recovery.NextLsn.ShouldBe(41);
            log.Replay().ShouldBeEmpty();
            (await log.AppendAsync(WalTestKit.Payload(41, 10))).ShouldBe(41);
        }

        var (report, records) = await WalTestKit.Reopen(temp.Path);
        report.Damage.ShouldBe(WalDamage.None);
        records.Select(r => r.Lsn).ShouldBe([41]);
    }
}
