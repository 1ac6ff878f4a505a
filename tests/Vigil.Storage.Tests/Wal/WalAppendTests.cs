using Vigil.Storage.IO;
using Vigil.Storage.Wal;

namespace Vigil.Storage.Tests.Wal;

public sealed class WalAppendTests
{
    [Fact]
    public async Task Appended_records_come_back_in_order_after_reopen()
    {
        using var temp = new TempDirectory();
        var expected = new List<(long, byte, byte[])>();
        await using (var log = WalTestKit.Open(temp.Path))
        {
            log.Recovery.NextLsn.ShouldBe(1);
            for (var i = 0; i < 100; i++)
            {
                var payload = WalTestKit.Payload(i, i * 13 % 700); // includes an empty payload
                var type = (byte)(1 + (i % 3));
                var lsn = await log.AppendAsync(type, payload);
                lsn.ShouldBe(i + 1);
                expected.Add((lsn, type, payload));
            }

            log.DurableLsn.ShouldBe(100);
        }

        var (report, records) = await WalTestKit.Reopen(temp.Path);
        report.Damage.ShouldBe(WalDamage.None);
        report.FirstLsn.ShouldBe(1);
        report.NextLsn.ShouldBe(101);
        report.RecordsRecovered.ShouldBe(100);
        records.Count.ShouldBe(expected.Count);
        for (var i = 0; i < records.Count; i++)
        {
            records[i].Lsn.ShouldBe(expected[i].Item1);
            records[i].Type.ShouldBe(expected[i].Item2);
            records[i].Payload.ShouldBe(expected[i].Item3);
        }
    }

    [Fact]
    public async Task Lsns_continue_across_reopens_and_replay_can_start_midway()
    {
        using var temp = new TempDirectory();
        await using (var log = WalTestKit.Open(temp.Path))
        {
            for (var i = 0; i < 10; i++)
            {
                await log.AppendAsync(WalTestKit.Payload(i, 20));
            }
        }

        await using (var log = WalTestKit.Open(temp.Path))
        {
            (await log.AppendAsync(WalTestKit.Payload(10, 20))).ShouldBe(11);
            WalTestKit.ReadAll(log, fromLsn: 7).Select(r => r.Lsn).ShouldBe([7, 8, 9, 10]);
        }

        var (_, records) = await WalTestKit.Reopen(temp.Path);
        records.Select(r => r.Lsn).ShouldBe(Enumerable.Range(1, 11).Select(i => (long)i));
    }

    [Fact]
    public async Task A_batch_gets_consecutive_lsns_and_completes_with_the_first()
    {
        using var temp = new TempDirectory();
        await using (var log = WalTestKit.Open(temp.Path))
        {
            await log.AppendAsync(WalTestKit.Payload(0, 8));
            var payloads = Enumerable.Range(1, 5).Select(i => (ReadOnlyMemory<byte>)WalTestKit.Payload(i, 8)).ToArray();
            (await log.AppendBatchAsync(payloads)).ShouldBe(2);
            (await log.AppendAsync(WalTestKit.Payload(6, 8))).ShouldBe(7);
        }

        var (_, records) = await WalTestKit.Reopen(temp.Path);
        records.Select(r => r.Payload).ShouldBe(Enumerable.Range(0, 7).Select(i => WalTestKit.Payload(i, 8)));
    }

    [Fact]
    public async Task With_fsync_appends_are_synced_once_per_batch()
    {
        using var temp = new TempDirectory();
        await using var log = WalTestKit.Open(temp.Path, sync: SyncMode.Fsync);
        for (var i = 0; i < 5; i++)
        {
            await log.AppendAsync(WalTestKit.Payload(i, 100));
        }

        log.Syncs.ShouldBe(log.BatchesWritten);
        log.BatchesWritten.ShouldBe(5); // one at a time, so no batching to share
    }

    [Fact]
    public async Task Dispose_drains_everything_queued()
    {
        using var temp = new TempDirectory();
        var log = WalTestKit.Open(temp.Path);
        var pending = new Task<long>[2000];
        for (var i = 0; i < pending.Length; i++)
        {
            pending[i] = log.AppendAsync(WalTestKit.Payload(i, 50)).AsTask();
        }

        await log.DisposeAsync();
        (await Task.WhenAll(pending)).ShouldBe(Enumerable.Range(1, pending.Length).Select(i => (long)i));
        await Should.ThrowAsync<ObjectDisposedException>(log.AppendAsync(new byte[1]).AsTask());
        (await WalTestKit.Reopen(temp.Path)).Records.Count.ShouldBe(pending.Length);
    }

    [Fact]
    public async Task Bad_arguments_are_rejected_before_anything_is_queued()
    {
        using var temp = new TempDirectory();
        await using var log = WalTestKit.Open(temp.Path);
        Should.Throw<ArgumentOutOfRangeException>(() => log.AppendAsync(0, new byte[1]).AsTask());
        Should.Throw<ArgumentOutOfRangeException>(() => log.AppendAsync(128, new byte[1]).AsTask());
        Should.Throw<ArgumentOutOfRangeException>(() => log.AppendAsync(new byte[WalFormat.MaxPayloadBytes + 1]).AsTask());
        Should.Throw<ArgumentException>(() => log.AppendBatchAsync([]).AsTask());
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(log.AppendAsync(new byte[1], cancelled.Token).AsTask());
        (await log.AppendAsync(new byte[1])).ShouldBe(1);
    }

    [Fact]
    public void Options_are_validated()
    {
        using var temp = new TempDirectory();
        Should.Throw<ArgumentOutOfRangeException>(() => WalTestKit.Open(temp.Path, segmentBytes: 20));
        Should.Throw<ArgumentException>(() => WriteAheadLog.Open(new WalOptions { Directory = " " }));
    }

    [Fact]
    public async Task Files_that_are_not_segments_are_left_alone()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("notes.wal"), "x");
        File.WriteAllText(temp.Combine("README"), "x");
        await using (var log = WalTestKit.Open(temp.Path))
        {
            await log.AppendAsync(new byte[3]);
        }

        File.Exists(temp.Combine("notes.wal")).ShouldBeTrue();
        WalTestKit.Segments(temp.Path).Select(Path.GetFileName).ShouldBe(["00000000000000000001.wal", "notes.wal"]);
    }
}
