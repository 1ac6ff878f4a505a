using System.Diagnostics;
using System.Globalization;
using Vigil.Logs.Api.Insights;
using Vigil.Logs.Engine;
using Vigil.Logs.Insights;
using Vigil.Storage.IO;

namespace Vigil.Bench.Logs;

/// <summary>
/// logs-insights: issue 5's four Logs Insights queries through the API's executor (scan on every core, one
/// accumulator per worker, merged) over every group of a store: (1) lines containing ERROR, (2) the newest 100 lines
/// matching the payments-5xx regex, (3) count by level parsed from both formats, (4) p99 of latency_ms from JSON
/// lines by level. Times the first run (cold: fresh process, empty chunk cache) and the median of --runs more, and
/// checks the counts of perf-anchors.md section D. Point --data at a COPY of an ingested store: opening replays its WAL.
/// </summary>
internal static class LogInsightsQuery
{
    internal static readonly (string Name, string Text)[] Queries =
    [
        ("count ERROR", "filter @message like \"ERROR\" | stats count(*) as n"),
        ("newest 100 payments 5xx", """filter @message like /path[=":]+\/api\/payments.*status[=":]+50[0-9]/ | limit 100"""),
        ("count by level", """parse @message /level[=":]+(?<level>[A-Z]+)/ | stats count(*) as n by level"""),
        ("p99 latency_ms by level (JSON)", "filter ispresent(latency_ms) | stats pct(latency_ms, 99) as p99 by level"),
    ];

    /// <summary>perf-anchors.md section D (ClickHouse and Loki set 2 agree).</summary>
    private static readonly Dictionary<string, long> LevelCounts = new(StringComparer.Ordinal) { ["ERROR"] = 499_420, ["INFO"] = 8_000_175, ["WARN"] = 1_500_405 };

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var dir = Path.Combine(args.Get("data"), "logs");
        var runs = args.GetInt("runs", 3);
        var only = args.Get("only", "");
        var text = args.Get("text", ""); // an ad-hoc query instead of the four (its result is printed, not checked)
        var failures = 0;
        var store = LogStore.Open(new LogStoreOptions { Directory = dir, Sync = SyncMode.None, BackgroundWork = false });
        await using (store.ConfigureAwait(false))
        {
            var groups = store.ListLogGroups(LogEngineIngest.Account, LogEngineIngest.Region).Select(g => g.Key).ToArray();
            foreach (var (name, queryText) in text.Length > 0 ? [("ad hoc", text)] : Queries)
            {
                if (only.Length > 0 && !name.Contains(only, StringComparison.Ordinal))
                {
                    continue;
                }

                var query = InsightsQuery.Compile(queryText);
                InsightsResult result = null!;
                long scanned = 0;
                var times = new List<double>();
                for (var run = 0; run <= runs; run++)
                {
                    var clock = Stopwatch.StartNew();
                    var (r, scan) = QueryRegistry.Run(store, query, groups, null, CancellationToken.None);
                    times.Add(clock.Elapsed.TotalSeconds);
                    (result, scanned) = (r, scan.RecordsScanned);
                }

                var warm = times.Skip(1).Order().ToArray();
                var median = warm.Length > 0 ? warm[warm.Length / 2] : times[0];
                var summary = Summarise(name, result.Rows);
                failures += Check(name, result.Rows) ? 0 : 1;
                new Report("logs-insights")
                    .Add("query", name).Add("groups", groups.Length).Add("rows", result.Rows.Count).Add("scanned", scanned)
                    .Add("matched", result.Statistics.RecordsMatched).Add("cold_s", times[0]).Add("median_s", median).Add("result", summary)
                    .Print(string.Create(CultureInfo.InvariantCulture,
                        $"logs-insights: {name} over {groups.Length} groups: cold {times[0]:F2} s, warm median {median:F2} s ({runs} runs); " +
                        $"{scanned:N0} scanned, {result.Statistics.RecordsMatched:N0} matched; {summary}"));
            }
        }

        return failures == 0 ? 0 : 1;
    }

    internal static string Summarise(string name, IReadOnlyList<IReadOnlyList<ResultField>> rows) => name.StartsWith("newest", StringComparison.Ordinal)
        ? $"{rows.Count} rows, newest {(rows.Count > 0 ? rows[0].FirstOrDefault(f => f.Field == "@timestamp").Value : "-")}"
        : string.Join("; ", rows.Select(row => string.Join(" ", row.Select(f => $"{f.Field}={f.Value}"))));

    /// <summary>The counts against section D; the p99s against ClickHouse's quantileExact (≈206.5 / 205.8 / 205.4 ms, ±1 %).</summary>
    internal static bool Check(string name, IReadOnlyList<IReadOnlyList<ResultField>> rows)
    {
        string? Cell(IReadOnlyList<ResultField> row, string field) => row.FirstOrDefault(f => f.Field == field).Value;
        var ok = name switch
        {
            "count ERROR" => rows.Count == 1 && Cell(rows[0], "n") == LevelCounts["ERROR"].ToString(CultureInfo.InvariantCulture),
            "count by level" => rows.Count == 3 && rows.All(r => LevelCounts.TryGetValue(Cell(r, "level") ?? "", out var n) && Cell(r, "n") == n.ToString(CultureInfo.InvariantCulture)),
            "p99 latency_ms by level (JSON)" => rows.Count == 3 && rows.All(r => double.Parse(Cell(r, "p99")!, CultureInfo.InvariantCulture) is > 203 and < 209),
            "ad hoc" => true,
            _ => rows.Count == 100,
        };
        if (!ok)
        {
            Console.Error.WriteLine($"logs-insights: {name}: result does not match perf-anchors.md section D");
        }

        return ok;
    }
}
