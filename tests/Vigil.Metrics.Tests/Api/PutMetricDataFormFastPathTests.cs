using System.Text;
using Vigil.Metrics.Api.FastPath;
using Vigil.Protocol.Codecs.AwsQuery;
using Vigil.Protocol.Errors;
using Vigil.Protocol.Shapes.CloudWatch;
using static Vigil.Metrics.Tests.Api.MetricApiHarness;

namespace Vigil.Metrics.Tests.Api;

/// <summary>
/// The awsQuery fast path must be indistinguishable from the generic path (form tree → decoder → validator →
/// handler): for random forms in botocore's shape, and forms bent out of it (other orders, gaps, escapes, odd numbers
/// and timestamps), it either declines or stores exactly what the generic path stores, never accepting what that
/// path rejects.
/// </summary>
public sealed class PutMetricDataFormFastPathTests
{
    private static readonly string[] Units = ["Percent", "Bytes", "Count", "Milliseconds", "None", "Bytes%2FSecond"];

    [Fact]
    public async Task Random_forms_store_the_same_through_the_fast_and_the_generic_path()
    {
        var (valid, handledValid) = await PutMetricDataFastPathTests.CompareAsync(new Random(23), 600, Form, async (path, form) =>
        {
            var bytes = Encoding.UTF8.GetBytes(form);
            var result = await path.HandleFormAsync(Context("PutMetricData"), bytes, CancellationToken.None);
            if (result.Handled)
            {
                // The audit record's request parameters: the namespace as the generic decoder reads it.
                ((PutMetricDataInput)result.AuditInput!).Namespace.ShouldBe(((PutMetricDataInput)AwsQueryCodec.DecodeInput(Op, QueryParameters.Parse(bytes))).Namespace);
            }
            return result;
        }, Generic);
        valid.ShouldBeGreaterThan(100);
        // Valid forms it may decline: gaps, other orders, epoch-number timestamps, escaped keys, untidy numbers.
        handledValid.ShouldBeGreaterThan(valid / 2, "valid forms in botocore's shape should mostly take the fast path");
    }

    [Fact]
    public async Task A_form_as_botocore_writes_it_is_stored_with_its_escaped_text_and_iso_timestamps()
    {
        await using var api = new MetricApiHarness();
        var at = api.Clock.Now.AddMinutes(-3);
        var iso = Uri.EscapeDataString(at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'"));
        var form = "Action=PutMetricData&Version=2010-08-01&Namespace=My+App%2Fweb"
            + $"&MetricData.member.1.MetricName=Latency&MetricData.member.1.Timestamp={iso}&MetricData.member.1.Unit=Milliseconds"
            + "&MetricData.member.1.Dimensions.member.1.Name=Host&MetricData.member.1.Dimensions.member.1.Value=h%C3%A9-1"
            + "&MetricData.member.1.Values.member.1=10&MetricData.member.1.Values.member.2=2.5e1"
            + "&MetricData.member.1.Counts.member.1=2&MetricData.member.1.Counts.member.2=1"
            + $"&MetricData.member.2.MetricName=Requests&MetricData.member.2.Timestamp={iso}"
            + "&MetricData.member.2.StatisticValues.SampleCount=4&MetricData.member.2.StatisticValues.Sum=10"
            + "&MetricData.member.2.StatisticValues.Minimum=1&MetricData.member.2.StatisticValues.Maximum=4";
        var result = await new PutMetricDataFastPath(api.Store).HandleFormAsync(Context("PutMetricData"), Encoding.UTF8.GetBytes(form), CancellationToken.None);
        result.Handled.ShouldBeTrue();
        ((PutMetricDataInput)result.AuditInput!).Namespace.ShouldBe("My App/web");
        api.Store.Catalog.Count.ShouldBe(2);
        var latency = api.Store.Catalog.Get(0);
        latency.Key.Metric.Namespace.ShouldBe("My App/web");
        latency.Key.Metric.Dimensions.Single().Value.ShouldBe("hé-1");
        latency.Key.Unit.ShouldBe("Milliseconds");
        var samples = new Vigil.Metrics.Engine.SampleBuffer();
        api.Store.Read(latency.Id, long.MinValue, long.MaxValue, samples);
        samples.Timestamps.ToArray().ShouldBe([at.ToUnixTimeSeconds(), at.ToUnixTimeSeconds()]);
        samples.Values.ToArray().ShouldBe([10, 25]);
        samples.Counts.ToArray().ShouldBe([2, 1]);
    }

    [Fact]
    public async Task Forms_the_debian_aws_cli_and_boto3_sent_take_the_fast_path_and_store_what_the_generic_path_stores()
    {
        // Their timestamps (2024) are moved to an hour ago: CloudWatch refuses datapoints over two weeks old.
        await using var fast = new MetricApiHarness();
        await using var generic = new MetricApiHarness();
        var recent = fast.Clock.Now.AddHours(-1).UtcDateTime.ToString("yyyy-MM-dd'T'HH'%3A'mm'%3A'ss");
        var forms = new[] { "awscli-v2.9.19-debian.jsonl", "boto3-1.26.27-debian.jsonl" }
            .SelectMany(file => File.ReadLines(Path.Combine(AppContext.BaseDirectory, "TestData", "captures", file)))
            .Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement)
            .Where(r => r.TryGetProperty("body", out var b) && b.GetString()!.StartsWith("Action=PutMetricData&", StringComparison.Ordinal))
            .Select(r => System.Text.RegularExpressions.Regex.Replace(r.GetProperty("body").GetString()!, @"\d{4}-\d\d-\d\dT\d\d%3A\d\d%3A\d\d", recent))
            .ToList();
        forms.Count.ShouldBeGreaterThanOrEqualTo(2);
        var fastPath = new PutMetricDataFastPath(fast.Store);
        foreach (var form in forms)
        {
            (await Generic(generic.Store, form)).ShouldBeNull(form);
            (await fastPath.HandleFormAsync(Context("PutMetricData"), Encoding.UTF8.GetBytes(form), CancellationToken.None)).Handled.ShouldBeTrue(form);
        }
        fast.Store.Catalog.Count.ShouldBeGreaterThanOrEqualTo(3);
        PutMetricDataFastPathTests.ShouldHoldTheSame(fast.Store, generic.Store);
    }

    private static readonly Vigil.Protocol.Shapes.Operation Op = CloudWatchModel.Service.Operations["PutMetricData"];

    private static Task<AwsServiceException?> Generic(Vigil.Metrics.Engine.MetricStore store, string form) =>
        PutMetricDataFastPathTests.GenericAsync(store, op => AwsQueryCodec.DecodeInput(op, QueryParameters.Parse(Encoding.UTF8.GetBytes(form))));

    private static string Form(Random rng, DateTimeOffset now)
    {
        var pairs = new List<string> { "Action=PutMetricData", "Version=2010-08-01" };
        pairs.Add("Namespace=" + rng.Next(25) switch { 0 => "AWS%2FEC2", 1 => "", 2 => "Ns%41", 3 => "a+b", 4 => "bad%zz", 5 => "t%09ab", _ => "App" + rng.Next(3) });
        if (rng.Next(20) == 0)
        {
            pairs.Add("StrictEntityValidation=" + (rng.Next(2) == 0 ? "true" : "TRUE"));
        }
        var n = rng.Next(40) == 0 ? 1001 : rng.Next(1, 6);
        for (var i = 1; i <= n; i++)
        {
            var number = rng.Next(150) switch { 0 => i + 1, 1 => i * 10, _ => i }; // a gap: declined, the generic path accepts it
            var p = $"MetricData.member.{(rng.Next(200) == 0 ? "0" + number : number)}.";
            var fields = new List<string> { p + (rng.Next(150) == 0 ? "%4DetricName=" : "MetricName=") + (rng.Next(100) == 0 ? new string('m', 256) : "M" + rng.Next(4)) };
            var dims = rng.Next(100) == 0 ? 31 : rng.Next(0, 3);
            for (var d = 1; d <= dims; d++)
            {
                var name = rng.Next(60) == 0 ? "Dup" : "D" + d;
                fields.Add($"{p}Dimensions.member.{d}.Name={name}");
                if (rng.Next(80) > 0)
                {
                    fields.Add($"{p}Dimensions.member.{d}.Value=" + rng.Next(30) switch { 0 => "v%20x", 1 => "%E2%82%AC", 2 => "%FF", _ => "v" + rng.Next(3) });
                }
            }
            if (rng.Next(3) > 0)
            {
                fields.Add($"{p}Unit={Units[rng.Next(Units.Length)]}");
            }
            var at = now.AddMinutes(-rng.Next(0, 600)).AddSeconds(rng.Next(60));
            fields.Add(p + rng.Next(60) switch
            {
                0 => "Timestamp=" + Iso(now.AddDays(-15)),
                1 => "Timestamp=" + Iso(now.AddHours(3)),
                2 => "Timestamp=" + at.ToUnixTimeSeconds(),
                3 => "StorageResolution=1",
                4 => "StorageResolution=5",
                5 => "Timestamp=" + Iso(at).Replace("%3A", ":", StringComparison.Ordinal),
                6 => "Timestamp=" + at.UtcDateTime.ToString("yyyy-MM-dd'T'HH'%3A'mm'%3A'ss'.999999Z'"),
                9 => "Timestamp=" + at.UtcDateTime.ToString("yyyy-MM-dd'T'HH'%3A'mm'%3A'ss'.9999999Z'"),
                7 => "Timestamp=2026-02-30T00%3A00%3A00Z",
                8 => "Timestamp=" + at.UtcDateTime.ToString("yyyy-MM-dd'T'HH'%3A'mm'%3A'ss'%2B00%3A00'"),
                _ => "Timestamp=" + Iso(at),
            });
            var value = Math.Round((rng.NextDouble() - 0.3) * 1000, rng.Next(0, 4));
            var v = value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            fields.AddRange(rng.Next(60) switch
            {
                0 => [$"{p}Values.member.1=1", $"{p}Values.member.2=2", $"{p}Values.member.3=3", $"{p}Counts.member.1=1", $"{p}Counts.member.2=2"],
                1 => [$"{p}Values.member.1={v}", $"{p}Values.member.2=2.5", $"{p}Counts.member.1=3", $"{p}Counts.member.2=0"],
                2 => [$"{p}Values.member.1=1", $"{p}Values.member.2=2"],
                3 => [$"{p}StatisticValues.SampleCount=3", $"{p}StatisticValues.Sum=6", $"{p}StatisticValues.Minimum=1", $"{p}StatisticValues.Maximum=3"],
                4 => [$"{p}StatisticValues.SampleCount=3", $"{p}StatisticValues.Sum=6", $"{p}StatisticValues.Minimum=4", $"{p}StatisticValues.Maximum=3"],
                5 => [$"{p}Value={v}", $"{p}Values.member.1=1"],
                6 => [$"{p}Value=1e200"],
                7 => [$"{p}Unknown=1", $"{p}Value=1"],
                8 => [$"{p}Value=NaN"],
                9 => [$"{p}Value=%2B{v}"],
                10 => [$"{p}Value=1e-3"],
                11 => [$"{p}Value=+1"],
                12 => [$"{p}Values.member.2=1", $"{p}Values.member.1=2"],
                13 => [$"{p}Counts.member.1=1", $"{p}Values.member.1=2"],
                14 => [$"{p}Value=1", $"{p}Value=2"],
                _ => [$"{p}Value={v}"],
            });
            // SDKs write a datum's members in one order; shuffling keeps them together (still the fast path's shape),
            // except for list members, whose order the cases above set.
            if (rng.Next(4) == 0)
            {
                fields = [.. fields.OrderBy(f => f.Contains(".member.", StringComparison.Ordinal) && f.IndexOf(".member.", p.Length, StringComparison.Ordinal) > 0 ? 1 : rng.Next(2))];
            }
            pairs.AddRange(fields);
        }
        if (rng.Next(50) == 0)
        {
            pairs.Reverse(); // datums in reverse: declined, the generic path accepts it
        }
        if (rng.Next(50) == 0)
        {
            pairs.Add("Extra=1");
        }
        return string.Join('&', pairs);
    }

    private static string Iso(DateTimeOffset at) => Uri.EscapeDataString(at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
}
