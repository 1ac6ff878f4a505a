using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Vigil.Bench.Logs;

/// <summary>
/// logs-query-http: FilterLogEvents over SigV4-signed HTTP, once per log group of the workload (/bench/app-0..7),
/// limit 100, for each pattern: the first page is the oldest 100 matches, as FilterLogEvents returns them. Reports
/// the cold run and the median of --runs warm runs of the whole sweep (all groups, one after another).
/// </summary>
internal static class LogHttpQuery
{
    private static readonly string[] Patterns = ["\"payment declined\"", "{ $.status = 503 && $.path = \"/api/payments\" }"];

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var endpoint = new Uri(args.Get("endpoint"));
        var runs = args.GetInt("runs", 5);
        var groups = args.GetInt("groups", 8);
        using var client = SignedClient.ForLogs(endpoint, 1, args.Get("access-key"), args.Get("secret"), args.Get("region", "us-east-1"));
        foreach (var pattern in Patterns)
        {
            var times = new List<double>();
            var matches = 0;
            for (var run = 0; run <= runs; run++)
            {
                matches = 0;
                var clock = Stopwatch.StartNew();
                for (var g = 0; g < groups; g++)
                {
                    var body = JsonSerializer.Serialize(new Dictionary<string, object> { ["logGroupName"] = $"/bench/app-{g}", ["filterPattern"] = pattern, ["limit"] = 100 });
                    var (status, response) = await client.SendAsync(Encoding.UTF8.GetBytes(body), "FilterLogEvents").ConfigureAwait(false);
                    if (status != HttpStatusCode.OK)
                    {
                        throw new InvalidOperationException($"FilterLogEvents answered {(int)status}: {Encoding.UTF8.GetString(response)}");
                    }

                    using var doc = JsonDocument.Parse(response);
                    matches += doc.RootElement.GetProperty("events").GetArrayLength();
                }

                times.Add(clock.Elapsed.TotalMilliseconds);
            }

            var warm = times.Skip(1).Order().ToArray();
            var median = warm[warm.Length / 2];
            new Report("logs-query-http").Add("pattern", pattern).Add("groups", groups).Add("events", matches)
                .Add("cold_ms", times[0]).Add("median_ms", median)
                .Print(string.Create(CultureInfo.InvariantCulture,
                    $"logs-query-http: FilterLogEvents {pattern} limit 100 in each of {groups} groups: {matches} events; " +
                    $"cold {times[0]:F1} ms, warm median {median:F1} ms for the {groups} calls ({median / groups:F1} ms a call)"));
        }

        return 0;
    }
}
