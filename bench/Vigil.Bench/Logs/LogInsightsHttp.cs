using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Vigil.Logs.Insights;

namespace Vigil.Bench.Logs;

/// <summary>
/// logs-insights-http: issue 5's four queries through the API, as the issue times them: StartQuery over SigV4-signed
/// HTTP, then GetQueryResults every 5 ms until the status is Complete; the time is from sending StartQuery to that
/// answer. Point it at a server whose data directory holds the ingested workload (the same account). Reports the cold
/// run and the median of --runs warm ones, and checks each result against perf-anchors.md section D.
/// </summary>
internal static class LogInsightsHttp
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var endpoint = new Uri(args.Get("endpoint"));
        var runs = args.GetInt("runs", 5);
        var only = args.Get("only", "");
        var groups = Enumerable.Range(0, args.GetInt("groups", 8)).Select(g => $"/bench/app-{g}").ToArray();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var client = SignedClient.ForLogs(endpoint, 1, args.Get("access-key"), args.Get("secret"), args.Get("region", "us-east-1"));
        var failures = 0;
        foreach (var (name, text) in LogInsightsQuery.Queries)
        {
            if (only.Length > 0 && !name.Contains(only, StringComparison.Ordinal))
            {
                continue;
            }

            var times = new List<double>();
            // Where the time goes: StartQuery's own answer, and how many polls it took to see Complete.
            var startAnswered = new List<double>();
            var polls = new List<int>();
            IReadOnlyList<IReadOnlyList<ResultField>> rows = [];
            long scanned = 0;
            for (var run = 0; run <= runs; run++)
            {
                var clock = Stopwatch.StartNew();
                var start = new Dictionary<string, object>
                {
                    ["logGroupNames"] = groups,
                    ["queryString"] = text,
                    ["startTime"] = now - (14 * 86400),
                    ["endTime"] = now + 3600,
                    ["limit"] = 10_000,
                };
                using var started = await CallAsync(client, "StartQuery", start).ConfigureAwait(false);
                var id = started.RootElement.GetProperty("queryId").GetString()!;
                startAnswered.Add(clock.Elapsed.TotalSeconds);
                polls.Add(0);
                while (true)
                {
                    polls[^1]++;
                    using var results = await CallAsync(client, "GetQueryResults", new Dictionary<string, object> { ["queryId"] = id }).ConfigureAwait(false);
                    var status = results.RootElement.GetProperty("status").GetString();
                    if (status == "Complete")
                    {
                        times.Add(clock.Elapsed.TotalSeconds);
                        rows = [.. results.RootElement.GetProperty("results").EnumerateArray().Select(row =>
                            (IReadOnlyList<ResultField>)[.. row.EnumerateArray().Select(f => new ResultField(f.GetProperty("field").GetString()!, f.GetProperty("value").GetString()!))])];
                        scanned = (long)results.RootElement.GetProperty("statistics").GetProperty("recordsScanned").GetDouble();
                        break;
                    }

                    if (status is not ("Scheduled" or "Running"))
                    {
                        throw new InvalidOperationException($"query {name} ended {status}");
                    }

                    await Task.Delay(5).ConfigureAwait(false);
                }
            }

            var median = WarmMedian(times);
            var summary = LogInsightsQuery.Summarise(name, rows);
            failures += LogInsightsQuery.Check(name, rows) ? 0 : 1;
            new Report("logs-insights-http").Add("query", name).Add("groups", groups.Length).Add("rows", rows.Count).Add("scanned", scanned)
                .Add("cold_s", times[0]).Add("median_s", median).Add("result", summary).Add("runs_s", times)
                .Add("start_query_answered_s", startAnswered).Add("polls", polls)
                .Print(string.Create(CultureInfo.InvariantCulture,
                    $"logs-insights-http: {name} over {groups.Length} groups, StartQuery to Complete: cold {times[0]:F2} s, warm median {median:F2} s ({runs} runs: {string.Join(' ', times.Skip(1).Select(t => t.ToString("F3", CultureInfo.InvariantCulture)))}; StartQuery answered in {WarmMedian(startAnswered) * 1000:F1} ms, {WarmMedian(polls.ConvertAll(p => (double)p)):F0} polls); {scanned:N0} scanned; {summary}"));
        }

        return failures == 0 ? 0 : 1;
    }

    /// <summary>The median of the runs after the first (cold) one; the first when there is no other.</summary>
    private static double WarmMedian(List<double> runs)
    {
        var warm = runs.Skip(1).Order().ToArray();
        return warm.Length > 0 ? warm[warm.Length / 2] : runs[0];
    }

    private static async Task<JsonDocument> CallAsync(SignedClient client, string operation, Dictionary<string, object> request)
    {
        var (status, body) = await client.SendAsync(JsonSerializer.SerializeToUtf8Bytes(request), operation).ConfigureAwait(false);
        return status == HttpStatusCode.OK
            ? JsonDocument.Parse(body)
            : throw new InvalidOperationException($"{operation} answered {(int)status}: {Encoding.UTF8.GetString(body)}");
    }
}
