using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Vigil.Metrics.Engine;
using Vigil.Storage.IO;

namespace Vigil.Bench;

/// <summary>
/// ingest-engine: PutMetricData bodies parsed and written straight into <see cref="MetricStore"/> (fsync on), by N
/// concurrent writers, without HTTP, SigV4 or validation. A reader thread streams the file into a bounded queue of
/// pooled buffers, so the input never has to fit in memory and the measured memory is the store's (plus that queue).
/// Reports datapoints/s until the last write is durable, then checkpoints and reports bytes on disk per datapoint
/// (blocks + series snapshot + manifest; the WAL apart) and VmRSS.
/// </summary>
internal static class EngineIngest
{
    public const string Account = "123456789012";
    public const string Region = "us-east-1";

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var data = args.Get("data");
        var input = args.Get("input");
        var writers = args.GetInt("writers", 2);
        var dir = Path.Combine(data, "metrics");
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
        {
            throw new ArgumentException($"{dir} is not empty; every run starts from an empty store (remove it first)");
        }
        var rssBefore = Report.ResidentBytes();
        var store = MetricStore.Open(new MetricStoreOptions { Directory = dir, Sync = SyncMode.Fsync });
        await using (store.ConfigureAwait(false))
        {
            var queue = Channel.CreateBounded<(byte[] Array, int Length)>(new BoundedChannelOptions(4 * writers) { SingleWriter = true });
            // A failed writer stops the reader, which would otherwise wait forever on a full queue.
            using var failed = new CancellationTokenSource();
            var clock = Stopwatch.StartNew();
            var reader = Task.Run(() => ReadAsync(input, queue.Writer, failed.Token));
            var workers = new Task<(long Datums, long Bodies)>[writers];
            for (var w = 0; w < writers; w++)
            {
                workers[w] = Task.Run(() => WriteAsync(store, queue.Reader, failed));
            }
            var counts = await Task.WhenAll(workers).ConfigureAwait(false);
            await reader.ConfigureAwait(false);
            var seconds = clock.Elapsed.TotalSeconds;
            var datums = counts.Sum(c => c.Datums);
            var bodies = counts.Sum(c => c.Bodies);
            var rssAfterIngest = Report.ResidentBytes();
            var heapAfterIngest = GC.GetGCMemoryInfo().HeapSizeBytes;

            var checkpointClock = Stopwatch.StartNew();
            await store.CheckpointAsync().ConfigureAwait(false);
            var checkpointSeconds = checkpointClock.Elapsed.TotalSeconds;
            var rssAfterCheckpoint = Report.ResidentBytes();
            var disk = DiskUsage.Measure(dir);

            var rate = datums / seconds;
            var perDatum = (double)disk.Stored / datums;
            new Report("ingest-engine")
                .Add("input", input).Add("writers", writers).Add("bodies", bodies).Add("datapoints", datums)
                .Add("series", store.Catalog.Count).Add("seconds", seconds).Add("datapoints_per_s", rate)
                .Add("checkpoint_seconds", checkpointSeconds)
                .Add("blocks_bytes", disk.Blocks).Add("snapshot_bytes", disk.Snapshot).Add("other_bytes", disk.Other)
                .Add("wal_bytes", disk.Wal).Add("bytes_per_datapoint", perDatum)
                .Add("rss_start_bytes", rssBefore).Add("rss_after_ingest_bytes", rssAfterIngest)
                .Add("rss_after_checkpoint_bytes", rssAfterCheckpoint).Add("gc_heap_after_ingest_bytes", heapAfterIngest)
                .Print(string.Create(CultureInfo.InvariantCulture,
                    $"ingest-engine: {datums:N0} datapoints in {seconds:F2} s = {Report.Rate(rate)} datapoints/s ({writers} writers, fsync); " +
                    $"on disk {perDatum:F2} B/datapoint ({Report.Mib(disk.Stored)}: blocks {Report.Mib(disk.Blocks)}, snapshot {Report.Mib(disk.Snapshot)}; " +
                    $"WAL {Report.Mib(disk.Wal)} apart); checkpoint {checkpointSeconds:F2} s; RSS {Report.Mib(rssAfterIngest)} after ingest, " +
                    $"{Report.Mib(rssAfterCheckpoint)} after checkpoint"));
        }
        return 0;
    }

    private static async Task ReadAsync(string input, ChannelWriter<(byte[] Array, int Length)> queue, CancellationToken failed)
    {
        try
        {
            using var file = new BodyFile(input);
            while (true)
            {
                if (!Next(file, out var body))
                {
                    break;
                }
                await queue.WriteAsync(body, failed).ConfigureAwait(false);
            }
            queue.Complete();
        }
        catch (Exception e)
        {
            queue.Complete(e);
            throw;
        }

        // Spans cannot live across an await: copy the line out here.
        static bool Next(BodyFile file, out (byte[], int) body)
        {
            if (file.TryRead(out var line))
            {
                body = BodyFile.Rent(line);
                return true;
            }
            body = default;
            return false;
        }
    }

    private static async Task<(long Datums, long Bodies)> WriteAsync(MetricStore store, ChannelReader<(byte[] Array, int Length)> queue, CancellationTokenSource failed)
    {
        try
        {
            return await WriteAllAsync(store, queue).ConfigureAwait(false);
        }
        catch
        {
            await failed.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<(long Datums, long Bodies)> WriteAllAsync(MetricStore store, ChannelReader<(byte[] Array, int Length)> queue)
    {
        var builder = new EngineBatchBuilder(store.Catalog, Account, Region);
        var batch = new MetricWriteBatch();
        long datums = 0, bodies = 0;
        await foreach (var (array, length) in queue.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                datums += builder.Fill(array.AsSpan(0, length), batch);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException or FormatException)
            {
                throw new InvalidDataException($"Body {bodies + 1} of this writer does not parse ({e.Message}): {EngineBatchBuilder.Preview(array.AsSpan(0, length))}", e);
            }
            ArrayPool<byte>.Shared.Return(array);
            await store.WriteAsync(batch).ConfigureAwait(false);
            batch.Clear();
            bodies++;
        }
        return (datums, bodies);
    }
}

/// <summary>Apparent sizes of a metrics directory, by part.</summary>
internal readonly record struct DiskUsage(long Blocks, long Snapshot, long Wal, long Other)
{
    /// <summary>What the data costs at rest: everything but the WAL, which a checkpoint truncates.</summary>
    public long Stored => Blocks + Snapshot + Other;

    public static DiskUsage Measure(string dir)
    {
        long blocks = 0, snapshot = 0, wal = 0, other = 0;
        foreach (var file in new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(dir, file.FullName);
            if (relative.StartsWith("wal" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                wal += file.Length;
            }
            else if (relative.StartsWith("blocks" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                blocks += file.Length;
            }
            else if (file.Extension == ".snap")
            {
                snapshot += file.Length;
            }
            else
            {
                other += file.Length;
            }
        }
        return new DiskUsage(blocks, snapshot, wal, other);
    }
}
