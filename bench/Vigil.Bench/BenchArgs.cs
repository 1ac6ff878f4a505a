using System.Globalization;

namespace Vigil.Bench;

/// <summary>"--name value" options, parsed once; getters say which option is missing or malformed.</summary>
internal sealed class BenchArgs
{
    public const string Usage = """
        Vigil.Bench: the metric and log engines' benchmark driver (bench/metrics/run.sh and bench/logs/run.sh run it).

          ingest-engine --data DIR --input FILE [--writers 2]
              Parses PutMetricData JSON bodies (one per line, gen.py --format awsbatch) and writes them straight
              into a MetricStore under DIR/metrics (fsync), then checkpoints and measures disk and memory.
          ingest-http --endpoint URL --input FILE [--protocol json|query|cbor] [--conns 4] --access-key K --secret S
              [--region us-east-1] [--preload-max-gb 8]
              POSTs every body as a SigV4-signed PutMetricData over N keep-alive connections.
          query --endpoint URL --access-key K --secret S --start ISO8601 [--hours 24] [--runs 3]
              [--region us-east-1] [--namespace Bench/EC2] [--page-size 100800]
              The peer query set over GetMetricData (JSON 1.0): 1 and 100 series x periods 60/300 x 5 statistics.
              A case with more points than --page-size (MaxDatapoints; CloudWatch's default) runs twice: paged,
              following NextToken, and with MaxDatapoints large enough for one page. Counts per series and
              statistic must equal ceil(hours x 3600 / period): 1,440 and 288 for 24 h ([start, start+24h), where
              the peers' inclusive range queries returned 1,441 and 289).
          query-engine --data DIR --start ISO8601 [--hours 24] [--runs 5] [--warmup 30] [--series 1|100] [--namespace Bench/EC2]
              The same query set in-process against a metric store directory (a copy of a server's DIR/metrics):
              no HTTP or SigV4; times decoding the request, the handler and encoding the response, one page each.

        Logs (gen.py logs --format awsbatch bodies):
          logs-ingest-engine --data DIR --input FILE [--writers 8] [--quality 7] [--seal-quality 1] [--recompress yes|no]
              PutLogEvents bodies appended straight into a LogStore under DIR/logs (fsync), then sealed and recompressed.
          logs-query-engine --data DIR [--phrase "payment declined"] [--runs 5]
              Newest and oldest 100 lines containing the phrase over every group of the store.
          ingest-http --protocol logs ...   PutLogEvents over HTTP (groups and streams created first).
          logs-query-http --endpoint URL --access-key K --secret S [--groups 8] [--runs 5]
              FilterLogEvents (limit 100) with a phrase and a JSON pattern in each /bench/app-N group.

        Audit trail:
          audit-seal --data DIR [--events 200000] [--writers 16] [--background on|off] [--quality 5] [--chunk-kib 1024]
              Generated CloudTrail-shaped events appended into an AuditLog under DIR/audit (fsync) by N writers, with
              the background sealer on or off; then a timed seal of what is unsealed, bytes per event in blocks, and
              the newest 50 events of the last hour, cold and warm.

        Namespaces under "AWS/" in the input are moved under "Bench/" (AWS/EC2 -> Bench/EC2): CloudWatch refuses
        "AWS/" from clients. The query's --namespace names the result.
        """;

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static BenchArgs Parse(ReadOnlySpan<string> args)
    {
        var result = new BenchArgs();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected '--name value', got '{args[i]}'");
            }
            result._values[args[i][2..]] = args[++i];
        }
        return result;
    }

    public string Get(string name) =>
        _values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");

    public string Get(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    public int GetInt(string name, int fallback) =>
        !_values.TryGetValue(name, out var v) ? fallback
        : int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n
        : throw new ArgumentException($"--{name} must be a positive integer, got '{v}'");

    public double GetDouble(string name, double fallback) =>
        !_values.TryGetValue(name, out var v) ? fallback
        : double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0 ? n
        : throw new ArgumentException($"--{name} must be a positive number, got '{v}'");

    public DateTimeOffset GetTime(string name) =>
        DateTimeOffset.TryParse(Get(name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t
        : long.TryParse(Get(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var unix) ? DateTimeOffset.FromUnixTimeSeconds(unix)
        : throw new ArgumentException($"--{name} must be an ISO 8601 time or Unix seconds, got '{Get(name)}'");
}
