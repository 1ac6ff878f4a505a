using Vigil.Logs.Api.Insights;
using Vigil.Logs.Insights;
using Vigil.Logs.Insights.Execution;
using Vigil.Logs.Tests.Engine;
using Vigil.Logs.Tests.Insights;

namespace Vigil.Logs.Tests.Api.Insights;

/// <summary>Fields a query parsed out of a cached chunk's events are kept with the chunk and read back by later
/// queries: every query must answer exactly as over freshly parsed events, in any order, after a query that read
/// only some of the events (a limit stops early), and with fields that commands set shadowing kept ones.</summary>
public sealed class FieldMemoTests
{
    private static readonly string[] Queries =
    [
        "fields level, n | limit 3", // newest first, stops early: keeps some events' fields only
        "filter ispresent(n) | stats count(*) as c, sum(n) as s, pct(n, 50) as p by level",
        "fields level, n, nested.a, tags.0, @@timestamp | sort n desc | limit 7",
        "parse @message /level=(?<level>[A-Z]+)/ | stats count(*) as c by level", // parse shadows the JSON field
        "fields level as lv | filter lv = \"ERROR\" | stats count(*) as c by lv",
        "filter level like /R/ and n > 100 | stats max(n) as m, count(*) as c by level",
        "stats count(*) as c by duration, billed", // REPORT lines' fields
        "parse @message 'level=* n=*' as lv, nn | stats count(*) as c by lv, nn | sort c desc | limit 5", // glob
        "parse @message /(?<lv>ERROR|WARN)|(?<other>INFO)/ | stats count(*) as c by lv, other", // an unmatched group is no value
        "parse @message /level=(?<level>[A-Z]+)/ | stats count(*) as c by level",
        "filter ispresent(n) | stats count(*) as c, sum(n) as s, pct(n, 50) as p by level",
        "parse @message 'level=* n=*' as x, x | stats count(*) as c by x", // a repeated name ends with its last capture
    ];

    /// <summary>Queries whose shape the columnar stats path takes once the first pass has kept their values.</summary>
    private static readonly string[] Columnar =
    [
        "filter ispresent(n) | stats count(*) as c, sum(n) as s, pct(n, 50) as p by level",
        "stats count(*) as c by duration, billed",
        "parse @message /(?<lv>ERROR|WARN)|(?<other>INFO)/ | stats count(*) as c by lv, other",
        "parse @message /level=(?<level>[A-Z]+)/ | stats count(*) as c by level",
        "parse @message 'level=* n=*' as x, x | stats count(*) as c by x",
    ];

    private static string Message(int batch, int i) => ((batch * 50) + i) switch
    {
        var k when k % 7 == 0 => $"ts=1 level={(k % 3 == 0 ? "ERROR" : "WARN")} n={k} plain text line",
        var k when k % 11 == 0 => "{\"level\":\"INFO\", broken",
        var k when k % 13 == 0 => $"REPORT RequestId: r{k}\tDuration: {k % 9}.5 ms\tBilled Duration: {(k % 9) + 1} ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB",
        var k => $$"""{"level":"{{(k % 5 == 0 ? "ERROR" : "INFO")}}","n":{{k}},"nested":{"a":"x{{k % 4}}"},"tags":["t{{k % 3}}"],"@timestamp":"v{{k % 2}}"}""",
    };

    [Fact]
    public async Task Queries_answer_the_same_with_kept_fields_as_with_freshly_parsed_ones()
    {
        await using var f = new LogStoreFixture(chunkBytes: 1024); // ~8 events a chunk: many sources
        await f.CreateAsync("a", "b");
        var t0 = LogStoreFixture.Ms(LogStoreFixture.T0);
        var inputs = new List<LogEventInput>();
        for (var batch = 0; batch < 12; batch++)
        {
            var events = Enumerable.Range(0, 50).Select(i => (t0 + (batch * 1000) + i, Message(batch, i))).ToArray();
            var stream = batch % 2 == 0 ? "a" : "b";
            await f.PutAsync(stream, events);
            inputs.AddRange(events.Select((e, i) => new LogEventInput(LogStoreFixture.Group.Name, stream, e.Item1, t0, 0, e.Item2)));
        }

        await f.Store.CheckpointAsync();
        var decoded = f.Store.Blocks.Sum(b => b.Chunks.Sum(c => Vigil.Logs.Engine.ChunkCache.SizeOf(c)));
        var chunks = f.Store.Blocks.Sum(b => b.Chunks.Count);

        foreach (var pass in new[] { "first", "second" })
        {
            foreach (var text in Queries)
            {
                var query = InsightsQuery.Compile(text);
                var fresh = query.CreateAccumulator();
                foreach (var e in inputs)
                {
                    fresh.Add(e);
                }

                var expected = InsightsCorpus.Render(query.Finish(fresh));
                var (result, scan) = QueryRegistry.Run(f.Store, query, [LogStoreFixture.Group], null, CancellationToken.None);
                InsightsCorpus.Render(result).ShouldBe(expected, $"{pass} pass: {text}");
                if (query.Hints.StopAfterRows is null)
                {
                    result.Statistics.RecordsScanned.ShouldBe(scan.RecordsScanned, text);
                }
                else
                {
                    // An early-stopping query: the engine counts, but does not hand over, events older than the
                    // newest rows found so far by any worker — how many depends on the workers' timing.
                    result.Statistics.RecordsScanned.ShouldBeLessThanOrEqualTo(scan.RecordsScanned, text);
                }
                if (pass == "second" && Columnar.Contains(text))
                {
                    // Every chunk runs over kept columns, no row per event — also the newest ones, whose columns the
                    // first query (a limit) kept only in part and a later one completed.
                    scan.WholeSources.ShouldBe(chunks, text);
                }
            }

            // The fields the queries parsed stay with the cached chunks, counted against the cache.
            f.Store.ChunkCache.Bytes.ShouldBeGreaterThan(decoded + (600 * 24 * 3));
        }
    }
}
