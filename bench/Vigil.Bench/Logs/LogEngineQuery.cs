using System.Diagnostics;
using System.Globalization;
using Vigil.Logs.Engine;
using Vigil.Logs.Engine.Catalog;
using Vigil.Storage.IO;

namespace Vigil.Bench.Logs;

/// <summary>
/// logs-query-engine: the peers' "newest 100 lines containing a phrase" over every log group of the store
/// (each group scanned newest first, the groups' pages merged), plus the FilterLogEvents order (oldest first).
/// Times the first (cold) run and the median of --runs warm runs.
/// </summary>
internal static class LogEngineQuery
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var dir = Path.Combine(args.Get("data"), "logs");
        var phrase = args.Get("phrase", "payment declined");
        var runs = args.GetInt("runs", 5);
        var store = LogStore.Open(new LogStoreOptions { Directory = dir, Sync = SyncMode.Fsync, BackgroundWork = false });
        await using (store.ConfigureAwait(false))
        {
            var groups = store.ListLogGroups(LogEngineIngest.Account, LogEngineIngest.Region).Select(g => g.Key).ToArray();
            var blocks = store.Blocks;
            var chunks = blocks.SelectMany(b => b.Chunks).ToArray();
            var lines = blocks.Sum(b => b.Count);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"store: {blocks.Count} blocks, {chunks.Length} chunks, {lines:N0} lines; per line: {blocks.Sum(b => b.SizeBytes) / (double)lines:F2} B on disk = " +
                $"{chunks.Sum(c => c.Length) / (double)lines:F2} B chunks + {chunks.Sum(c => c.Bloom.ByteSize) / (double)lines:F2} B Bloom + rest"));
            foreach (var descending in new[] { true, false })
            {
                IReadOnlyList<LogEventRecord> result = [];
                var times = new List<double>();
                for (var run = 0; run <= runs; run++)
                {
                    var clock = Stopwatch.StartNew();
                    result = Newest(store, groups, phrase, descending);
                    times.Add(clock.Elapsed.TotalMilliseconds);
                }

                var warm = times.Skip(1).Order().ToArray();
                var median = warm[warm.Length / 2];
                var label = descending ? "newest" : "oldest";
                new Report("logs-query-engine")
                    .Add("query", $"{label} 100 containing \"{phrase}\"").Add("groups", groups.Length).Add("matches", result.Count)
                    .Add("cold_ms", times[0]).Add("median_ms", median)
                    .Print(string.Create(CultureInfo.InvariantCulture,
                        $"logs-query-engine: {label} 100 containing \"{phrase}\" over {groups.Length} groups: {result.Count} lines, " +
                        $"cold {times[0]:F1} ms, warm median {median:F1} ms ({runs} runs); newest match {(result.Count > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(result.Max(e => e.Timestamp)).ToString("O", CultureInfo.InvariantCulture) : "-")}"));
            }
        }

        return 0;
    }

    private static IReadOnlyList<LogEventRecord> Newest(LogStore store, LogGroupKey[] groups, string phrase, bool descending)
    {
        var pages = groups.AsParallel().Select(g => store.Scan(new LogScan
        {
            Group = g,
            Descending = descending,
            RequiredSubstrings = [phrase],
            Limit = 100,
        }).Events).ToArray();
        var merged = pages.SelectMany(p => p);
        return [.. (descending ? merged.OrderByDescending(e => e.Position) : merged.OrderBy(e => e.Position)).Take(100)];
    }
}
