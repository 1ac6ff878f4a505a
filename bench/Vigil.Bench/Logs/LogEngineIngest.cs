using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Vigil.Logs.Engine;
using Vigil.Logs.Engine.Catalog;
using Vigil.Storage.IO;

namespace Vigil.Bench.Logs;

/// <summary>
/// logs-ingest-engine: PutLogEvents bodies parsed and appended straight into a <see cref="LogStore"/> (fsync on) by N
/// writers, without HTTP, SigV4 or validation. Reports lines/s until the last append is durable, then checkpoints
/// (seals every head, at the fast seal quality), recompresses what was sealed fast (what the background does a few
/// minutes later) and reports bytes on disk per line after each (blocks + catalogue + manifest; the WAL apart) and VmRSS.
/// </summary>
internal static class LogEngineIngest
{
    public const string Account = "123456789012";
    public const string Region = "us-east-1";

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var dir = Path.Combine(args.Get("data"), "logs");
        var input = args.Get("input");
        var writers = args.GetInt("writers", 2);
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
        {
            throw new ArgumentException($"{dir} is not empty; every run starts from an empty store (remove it first)");
        }

        var defaults = new LogStoreOptions { Directory = dir };
        var store = LogStore.Open(new LogStoreOptions
        {
            Directory = dir,
            Sync = SyncMode.Fsync,
            Clock = TimeProvider.System,
            CompressionQuality = args.GetInt("quality", defaults.CompressionQuality),
            SealQuality = args.GetInt("seal-quality", defaults.SealQuality),
        });
        await using (store.ConfigureAwait(false))
        {
            var queue = Channel.CreateBounded<(byte[] Array, int Length)>(new BoundedChannelOptions(4 * writers) { SingleWriter = true });
            var known = new HashSet<(string, string)>();
            var clock = Stopwatch.StartNew();
            var reader = Task.Run(async () =>
            {
                using var file = new BodyFile(input);
                while (Next(file, out var body))
                {
                    await queue.Writer.WriteAsync(body).ConfigureAwait(false);
                }

                queue.Writer.Complete();
            });
            var workers = Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
            {
                long lines = 0;
                await foreach (var (array, length) in queue.Reader.ReadAllAsync().ConfigureAwait(false))
                {
                    var batch = LogBatch.Parse(array.AsSpan(0, length));
                    ArrayPool<byte>.Shared.Return(array);
                    var key = new LogGroupKey(Account, Region, batch.Group);
                    await EnsureAsync(store, known, key, batch.Stream).ConfigureAwait(false);
                    await store.AppendAsync(key, batch.Stream, batch.Events).ConfigureAwait(false);
                    lines += batch.Events.Count;
                }

                return lines;
            })).ToArray();
            var total = (await Task.WhenAll(workers).ConfigureAwait(false)).Sum();
            await reader.ConfigureAwait(false);
            var seconds = clock.Elapsed.TotalSeconds;
            var rssAfterIngest = Report.ResidentBytes();

            var sealClock = Stopwatch.StartNew();
            await store.CheckpointAsync().ConfigureAwait(false);
            var sealSeconds = sealClock.Elapsed.TotalSeconds;
            var sealedDisk = DiskUsage.Measure(dir);

            // What the background does RecompressAfter later (fast-sealed blocks at the final quality), timed here.
            var recompressClock = Stopwatch.StartNew();
            if (args.Get("recompress", "yes") != "no")
            {
                await store.RecompressAllAsync().ConfigureAwait(false);
            }

            var recompressSeconds = recompressClock.Elapsed.TotalSeconds;
            var disk = DiskUsage.Measure(dir);
            var perLine = (double)disk.Stored / total;
            var sealedPerLine = (double)sealedDisk.Stored / total;
            new Report("logs-ingest-engine")
                .Add("input", input).Add("writers", writers).Add("lines", total).Add("seconds", seconds)
                .Add("lines_per_s", total / seconds).Add("seal_seconds", sealSeconds).Add("sealed_bytes_per_line", sealedPerLine)
                .Add("recompress_seconds", recompressSeconds)
                .Add("blocks_bytes", disk.Blocks).Add("snapshot_bytes", disk.Snapshot).Add("other_bytes", disk.Other)
                .Add("bytes_per_line", perLine).Add("rss_after_ingest_bytes", rssAfterIngest)
                .Print(string.Create(CultureInfo.InvariantCulture,
                    $"logs-ingest-engine: {total:N0} lines in {seconds:F2} s = {Report.Rate(total / seconds)} lines/s ({writers} writers, fsync); " +
                    $"sealed in {sealSeconds:F1} s ({sealedPerLine:F1} B/line); recompressed in {recompressSeconds:F1} s; " +
                    $"on disk {perLine:F1} B/line ({Report.Mib(disk.Stored)}); RSS {Report.Mib(rssAfterIngest)} after ingest"));
        }

        return 0;

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

    private static async Task EnsureAsync(LogStore store, HashSet<(string, string)> known, LogGroupKey key, string stream)
    {
        lock (known)
        {
            if (known.Contains((key.Name, stream)))
            {
                return;
            }
        }

        try
        {
            if (store.GetLogGroup(key) is null)
            {
                await store.CreateLogGroupAsync(key, null, null, false, null).ConfigureAwait(false);
            }
        }
        catch (LogStoreException e) when (e.Error == LogStoreError.LogGroupExists)
        {
        }

        try
        {
            await store.CreateLogStreamAsync(key, stream).ConfigureAwait(false);
        }
        catch (LogStoreException e) when (e.Error == LogStoreError.LogStreamExists)
        {
        }

        lock (known)
        {
            known.Add((key.Name, stream));
        }
    }
}
