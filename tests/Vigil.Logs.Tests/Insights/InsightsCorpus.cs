using Vigil.Logs.Insights;
using Vigil.Logs.Insights.Execution;

namespace Vigil.Logs.Tests.Insights;

/// <summary>The fixed corpus of the golden tests: six JSON events, three text lines, a Lambda REPORT line, a plain
/// line and an odd JSON event, over two streams and five minutes of 2024-01-01 (UTC).</summary>
internal static class InsightsCorpus
{
    public const long T0 = 1_704_067_200_000; // 2024-01-01 00:00:00 UTC, a Monday.

    public const string Group = "123456789012:app";

    public static readonly LogEventInput[] Events =
    [
        E(1, 0, "s1", """{"level":"INFO","status":200,"latency":12.5,"user":{"id":"u1","name":"Ann"},"tags":["a","b"],"ip":"10.0.0.1"}"""),
        E(2, 30, "s1", """{"level":"ERROR","status":500,"latency":250,"user":{"id":"u2","name":"Bob"},"tags":["c"],"ip":"10.0.1.7"}"""),
        E(3, 65, "s2", """{"level":"INFO","status":200,"latency":30,"user":{"id":"u1","name":"Ann"},"ip":"192.168.1.20"}"""),
        E(4, 90, "s2", """{"level":"WARN","status":404,"latency":5,"user":{"id":"u3"},"ip":"2001:db8::1"}"""),
        E(5, 130, "s1", """{"level":"ERROR","status":503,"latency":1000,"user":{"id":"u2","name":"Bob"},"ip":"10.0.0.9"}"""),
        E(6, 200, "s2", """{"level":"INFO","status":201,"latency":40,"user":{"id":"u4","name":"Cy"},"ip":"bad-ip"}"""),
        E(7, 10, "s1", "2024-01-01 00:00:10 [ERROR] user=u1, method:GET, latency := 17 Connection reset"),
        E(8, 70, "s1", "2024-01-01 00:01:10 [INFO] user=u2, method:POST, latency := 3 ok"),
        E(9, 150, "s2", "2024-01-01 00:02:30 [WARN] user=u1, method:GET, latency := 120 slow request"),
        E(10, 250, "s2", "REPORT RequestId: abc-1\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB"),
        E(11, 260, "s1", "  plain line with Exception: DataIntegrityException  "),
        E(12, 300, "s2", """{"@odd":"x","level":"DEBUG","nested":{"deep":{"k":1}},"status":"abc"}"""),
    ];

    /// <summary>Runs <paramref name="query"/> over the corpus; each row as "field=value|field=value", @ptr left out
    /// (its own test checks it). Events go in both as strings and as UTF-8 (as a scan hands them over), which must agree.</summary>
    public static string[] Rows(string query)
    {
        var compiled = InsightsQuery.Compile(query);
        var rows = Render(compiled.Run(Events));
        var accumulator = compiled.CreateAccumulator();
        foreach (var e in Events)
        {
            accumulator.Add(e.LogGroup, e.LogStream, e.Timestamp, e.IngestionTime, e.Seq, System.Text.Encoding.UTF8.GetBytes(e.Message));
        }

        Render(compiled.Finish(accumulator)).ShouldBe(rows, $"{query}: UTF-8 input");
        return rows;
    }

    public static string[] Render(InsightsResult result) =>
        [.. result.Rows.Select(r => string.Join('|', r.Where(f => f.Field != "@ptr").Select(f => $"{f.Field}={f.Value}")))];

    private static LogEventInput E(long seq, long seconds, string stream, string message) =>
        new(Group, stream, T0 + (seconds * 1000), T0 + (seconds * 1000) + 1000, seq, message);
}
