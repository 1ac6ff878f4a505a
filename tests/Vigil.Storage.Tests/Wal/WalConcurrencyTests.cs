using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using Vigil.Storage.IO;
using Vigil.Storage.Wal;
using Xunit.Abstractions;

namespace Vigil.Storage.Tests.Wal;

[Collection(Measurements.Name)]
public sealed class WalConcurrencyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Concurrent_appends_are_group_committed_and_each_replays_exactly_once_in_order()
    {
        using var temp = new TempDirectory();
        const int Writers = 64;
        const int PerWriter = 100;
        var acknowledged = new ConcurrentDictionary<long, (int Writer, int Sequence)>();
        long batches;
        await using (var log = WalTestKit.Open(temp.Path, segmentBytes: 256 * 1024, sync: SyncMode.Fsync))
        {
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
            {
                var lastLsn = 0L;
                for (var sequence = 0; sequence < PerWriter; sequence++)
                {
                    var lsn = await log.AppendAsync(Record(writer, sequence, 500));
                    lsn.ShouldBeGreaterThan(lastLsn); // one writer's appends stay in its order
                    lastLsn = lsn;
                    acknowledged.TryAdd(lsn, (writer, sequence)).ShouldBeTrue();
                }
            })));
            batches = log.BatchesWritten;
            log.Syncs.ShouldBe(batches);
        }

        output.WriteLine($"{Writers * PerWriter} appends in {batches} batches");
        batches.ShouldBeLessThan(Writers * PerWriter / 4); // never one sync per record under concurrency

        var (_, records) = await WalTestKit.Reopen(temp.Path, segmentBytes: 256 * 1024);
        records.Count.ShouldBe(Writers * PerWriter);
        for (var i = 0; i < records.Count; i++)
        {
            records[i].Lsn.ShouldBe(i + 1);
            var (writer, sequence) = acknowledged[records[i].Lsn];
            records[i].Payload.ShouldBe(Record(writer, sequence, 500));
        }
    }

    [Fact]
    public async Task Throughput_check_prints_appends_and_syncs_per_second()
    {
        // Prints rather than asserts a rate: disks and CI machines differ 100x. What it asserts
        // is the group-commit ratio. The pool minimum is raised because the test host parks
        // pool threads and the pool's starvation injection adds one thread per ~0.5 s; a
        // server's pool is warm, and so is this check after the warm-up.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), io);
        using var temp = new TempDirectory();
        await Measure(temp.Subdirectory("fdatasync"), "real fdatasync", SyncMode.Fsync, hook: null);
        await Measure(temp.Subdirectory("simulated"), "simulated ~200 µs sync", SyncMode.None, hook: op =>
        {
            if (op == WalIoOperation.Sync)
            {
                // Thread.Sleep rounds to whole milliseconds; usleep blocks like fdatasync does,
                // for 200 µs plus the kernel's 50 µs timer slack.
                _ = NativeSleep.USleep(200);
            }
        });
    }

    private async Task Measure(string directory, string label, SyncMode sync, Action<WalIoOperation>? hook)
    {
        const int Writers = 64;
        await using var log = WalTestKit.Open(directory, sync: sync, hook: hook);
        var payload = Record(0, 0, 500);
        long appends = 0;
        using var stop = new CancellationTokenSource();
        var appenders = Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await log.AppendAsync(payload);
                Interlocked.Increment(ref appends);
            }
        })).ToArray();

        await Task.Delay(TimeSpan.FromMilliseconds(500)); // warm-up: JIT, thread pool growth
        var (appendsBefore, batchesBefore, syncsBefore) = (Interlocked.Read(ref appends), log.BatchesWritten, log.Syncs);
        var stopwatch = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var measuredAppends = Interlocked.Read(ref appends) - appendsBefore;
        var batches = log.BatchesWritten - batchesBefore;
        var syncs = log.Syncs - syncsBefore;
        await stop.CancelAsync();
        await Task.WhenAll(appenders);

        output.WriteLine(
            $"{label}: {Writers} appenders, {measuredAppends / seconds:N0} appends/s, {batches / seconds:N0} batches/s, " +
            $"{syncs / seconds:N0} fdatasyncs/s, {(double)measuredAppends / Math.Max(batches, 1):N1} records per batch");
        batches.ShouldBeLessThan(measuredAppends / 4);
    }

    private static byte[] Record(int writer, int sequence, int length)
    {
        var bytes = WalTestKit.Payload((writer * 100_000) + sequence, length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), writer);
        return bytes;
    }
}

internal static class NativeSleep
{
    [System.Runtime.InteropServices.DllImport("libc.so.6", EntryPoint = "usleep")]
    [System.Runtime.InteropServices.DefaultDllImportSearchPaths(System.Runtime.InteropServices.DllImportSearchPath.SafeDirectories)]
    internal static extern int USleep(uint microseconds);
}
