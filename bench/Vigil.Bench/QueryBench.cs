using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Vigil.Bench;

/// <summary>
/// query: the peers' metric query set (../shared/bench/perf-anchors.md §B) as GetMetricData over JSON 1.0 — one
/// series (CPUUtilization, InstanceId i-000000000000012bc) and 100 series (the instances of asg-007), periods 60 and
/// 300 s, five statistics per series in one call (so 500 MetricStat queries for 100 series). Each case is timed
/// after a warm-up (at least 3 calls and 5 s, or --warmup-seconds) as the median of --runs; a call that pages (CloudWatch's default MaxDatapoints is 100,800) is
/// timed over all its pages, and is also run with MaxDatapoints large enough for one page, which is what the
/// peers' single responses compare with. Point counts are checked per series and statistic.
/// </summary>
internal static class QueryBench
{
    private static readonly string[] s_stats = ["SampleCount", "Average", "Sum", "Maximum", "p99"];
    private static readonly string[] s_statIds = ["count", "avg", "sum", "max", "p99"];
    public const int DefaultMaxDatapoints = 100_800;

    /// <summary>gen.py names instance i "i-%017x" % (0x1000 + i) and puts it in asg-(i / 100).</summary>
    public static string InstanceId(int i) => "i-" + (0x1000 + i).ToString("x17", CultureInfo.InvariantCulture);

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var endpoint = new Uri(args.Get("endpoint"));
        var start = args.GetTime("start");
        var hours = args.GetDouble("hours", 24);
        var runs = args.GetInt("runs", 3);
        var ns = args.Get("namespace", "Bench/EC2");
        var pageSize = args.GetInt("page-size", DefaultMaxDatapoints);
        var end = start.AddSeconds(Math.Round(hours * 3600));
        using var client = new SignedClient(endpoint, 1, args.Get("access-key"), args.Get("secret"), args.Get("region", "us-east-1"));

        var cases = new List<Dictionary<string, object>>();
        var summary = new List<string>();
        var allOk = true;
        // --series / --period narrow the set (e.g. an A/B of one case); by default all four run.
        var onlySeries = args.GetInt("series", 0);
        var onlyPeriod = args.GetInt("period", 0);
        var warmupSeconds = args.GetDouble("warmup-seconds", 5);
        foreach (var seriesCount in new[] { 1, 100 }.Where(n => onlySeries == 0 || n == onlySeries))
        {
            foreach (var period in new[] { 60, 300 }.Where(p => onlyPeriod == 0 || p == onlyPeriod))
            {
                // A final partial period still yields a datapoint, as CloudWatch answers it.
                var expected = (long)Math.Ceiling((end - start).TotalSeconds / period);
                var total = expected * seriesCount * s_stats.Length;
                var variants = total > pageSize ? new int?[] { pageSize == DefaultMaxDatapoints ? null : pageSize, checked((int)total) } : [null];
                foreach (var maxDatapoints in variants)
                {
                    var body = Request(ns, seriesCount, period, start, end, maxDatapoints);
                    var times = new List<double>();
                    Outcome outcome = default;
                    // Warm-up: until the JIT has optimised the server's code for this call (a server that has
                    // answered some queries: tiering up takes a few seconds of calls), at least 3 calls and 5 s; then the timed runs.
                    var warmup = Stopwatch.StartNew();
                    for (var call = 0; call < 3 || warmup.Elapsed.TotalSeconds < warmupSeconds; call++)
                    {
                        await FetchAllAsync(client, body).ConfigureAwait(false);
                    }
                    for (var run = 0; run < runs; run++)
                    {
                        var clock = Stopwatch.StartNew();
                        var pages = await FetchAllAsync(client, body).ConfigureAwait(false);
                        times.Add(clock.Elapsed.TotalSeconds);
                        outcome = Count(pages);
                    }
                    var median = times.Order().ElementAt(times.Count / 2);
                    var min = outcome.PerQuery.Count == 0 ? 0 : outcome.PerQuery.Values.Min();
                    var max = outcome.PerQuery.Count == 0 ? 0 : outcome.PerQuery.Values.Max();
                    var ok = outcome.PerQuery.Count == seriesCount * s_stats.Length && min == expected && max == expected;
                    allOk &= ok;
                    var label = string.Create(CultureInfo.InvariantCulture,
                        $"{seriesCount} series, {period} s{(maxDatapoints is { } m && m >= total ? ", one page" : "")}");
                    cases.Add(new Dictionary<string, object>(StringComparer.Ordinal)
                    {
                        ["series"] = seriesCount,
                        ["period"] = period,
                        ["max_datapoints"] = maxDatapoints ?? DefaultMaxDatapoints,
                        ["median_s"] = median,
                        ["runs_s"] = times,
                        ["pages"] = outcome.Pages,
                        ["points_total"] = outcome.PerQuery.Values.Sum(),
                        ["points_per_series_stat_min"] = min,
                        ["points_per_series_stat_max"] = max,
                        ["points_expected"] = expected,
                        ["counts_ok"] = ok,
                    });
                    summary.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{label}: {median:F4} s [{string.Join(' ', times.Select(t => t.ToString("F4", CultureInfo.InvariantCulture)))}], " +
                        $"{outcome.Pages} page(s), {min}{(min == max ? "" : $"–{max}")} points per series×stat (expected {expected}){(ok ? "" : " MISMATCH")}"));
                }
            }
        }
        foreach (var line in summary)
        {
            Console.WriteLine("  " + line);
        }
        new Report("query")
            .Add("endpoint", endpoint.ToString()).Add("namespace", ns)
            .Add("start", start.ToString("O", CultureInfo.InvariantCulture)).Add("end", end.ToString("O", CultureInfo.InvariantCulture))
            .Add("runs", runs).Add("cases", cases).Add("counts_ok", allOk)
            .Print("query: " + string.Join("; ", summary.Select(s => s[..s.IndexOf(" [", StringComparison.Ordinal)])) + (allOk ? "" : " (POINT COUNT MISMATCH)"));
        return allOk ? 0 : 1;
    }

    internal static byte[] Request(string ns, int seriesCount, int period, DateTimeOffset start, DateTimeOffset end, int? maxDatapoints)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteNumber("StartTime", start.ToUnixTimeSeconds());
            json.WriteNumber("EndTime", end.ToUnixTimeSeconds());
            if (maxDatapoints is { } max)
            {
                json.WriteNumber("MaxDatapoints", max);
            }
            json.WriteStartArray("MetricDataQueries");
            for (var s = 0; s < seriesCount; s++)
            {
                // asg-007 holds instances 700..799; the single series is its first, i-000000000000012bc.
                var instance = 700 + s;
                for (var k = 0; k < s_stats.Length; k++)
                {
                    json.WriteStartObject();
                    json.WriteString("Id", string.Create(CultureInfo.InvariantCulture, $"{s_statIds[k]}_{s}"));
                    json.WriteStartObject("MetricStat");
                    json.WriteStartObject("Metric");
                    json.WriteString("Namespace", ns);
                    json.WriteString("MetricName", "CPUUtilization");
                    json.WriteStartArray("Dimensions");
                    json.WriteStartObject();
                    json.WriteString("Name", "AutoScalingGroupName");
                    json.WriteString("Value", string.Create(CultureInfo.InvariantCulture, $"asg-{instance / 100:D3}"));
                    json.WriteEndObject();
                    json.WriteStartObject();
                    json.WriteString("Name", "InstanceId");
                    json.WriteString("Value", InstanceId(instance));
                    json.WriteEndObject();
                    json.WriteEndArray();
                    json.WriteEndObject();
                    json.WriteNumber("Period", period);
                    json.WriteString("Stat", s_stats[k]);
                    json.WriteEndObject();
                    json.WriteEndObject();
                }
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return stream.ToArray();
    }

    /// <summary>One GetMetricData call followed through its NextTokens; returns the raw pages.</summary>
    private static async Task<List<byte[]>> FetchAllAsync(SignedClient client, byte[] request)
    {
        var pages = new List<byte[]>();
        var body = request;
        while (true)
        {
            var (status, response) = await client.SendAsync(body, "GetMetricData").ConfigureAwait(false);
            if (status != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"GetMetricData answered HTTP {(int)status}: {Encoding.UTF8.GetString(response)}");
            }
            pages.Add(response);
            var token = NextToken(response);
            if (token is null)
            {
                return pages;
            }
            body = WithToken(request, token);
        }
    }

    private static string? NextToken(byte[] response)
    {
        // Most answers have no NextToken; skip parsing megabytes to find that out (the client's time is timed).
        if (response.AsSpan().IndexOf("\"NextToken\""u8) < 0)
        {
            return null;
        }
        using var doc = JsonDocument.Parse(response);
        return doc.RootElement.TryGetProperty("NextToken", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
    }

    private static byte[] WithToken(byte[] request, string token)
    {
        // The request object with NextToken added as its first member.
        var prefix = Encoding.UTF8.GetBytes("{\"NextToken\":" + JsonSerializer.Serialize(token) + ",");
        return [.. prefix, .. request.AsSpan(1)];
    }

    private readonly record struct Outcome(int Pages, Dictionary<string, long> PerQuery);

    private static Outcome Count(List<byte[]> pages)
    {
        var perQuery = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var page in pages)
        {
            using var doc = JsonDocument.Parse(page);
            foreach (var result in doc.RootElement.GetProperty("MetricDataResults").EnumerateArray())
            {
                var id = result.GetProperty("Id").GetString()!;
                var values = result.GetProperty("Values").GetArrayLength();
                if (result.GetProperty("Timestamps").GetArrayLength() != values)
                {
                    throw new InvalidDataException($"Result {id} has different numbers of timestamps and values.");
                }
                perQuery[id] = perQuery.GetValueOrDefault(id) + values;
            }
        }
        return new Outcome(pages.Count, perQuery);
    }
}
