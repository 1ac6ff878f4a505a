using System.Globalization;
using System.Text.Json;

namespace Vigil.Compat.Tests.Metrics;

/// <summary>
/// The datapoints every client publishes and what must come back, computed by hand:
/// Host=a at t: 10, 20, 30, 40 → SampleCount 4, Sum 100, Average 25, Minimum 10, Maximum 40;
/// Host=a at t+60: Values 1, 2, 3 with Counts 1, 1, 2 → SampleCount 4, Sum 9, Average 2.25, Minimum 1, Maximum 3;
/// Host=b at t: a statistic set (4 samples, Sum 100, 10…40).
/// </summary>
internal static class MetricScenario
{
    /// <summary>Half an hour ago on a minute boundary: inside CloudWatch's two-week window, clear of "now".</summary>
    public static DateTimeOffset Start()
    {
        var t = DateTimeOffset.UtcNow.AddMinutes(-30);
        return new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, TimeSpan.Zero);
    }

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    public static object PutBody(string ns, DateTimeOffset t) => new
    {
        Namespace = ns,
        MetricData = new object[]
        {
            Value(t, 10), Value(t, 20), Value(t, 30), Value(t, 40),
            new
            {
                MetricName = "Latency",
                Dimensions = new[] { new { Name = "Host", Value = "a" } },
                Timestamp = Iso(t.AddSeconds(60)),
                Values = new[] { 1.0, 2.0, 3.0 },
                Counts = new[] { 1.0, 1.0, 2.0 },
                Unit = "Milliseconds",
            },
            new
            {
                MetricName = "Latency",
                Dimensions = new[] { new { Name = "Host", Value = "b" } },
                Timestamp = Iso(t),
                StatisticValues = new { SampleCount = 4.0, Sum = 100.0, Minimum = 10.0, Maximum = 40.0 },
                Unit = "Milliseconds",
            },
        },
    };

    private static object Value(DateTimeOffset t, double v) => new
    {
        MetricName = "Latency",
        Dimensions = new[] { new { Name = "Host", Value = "a" } },
        Timestamp = Iso(t),
        Value = v,
        Unit = "Milliseconds",
    };

    /// <summary>m1 = Sum per minute of Host=a (not returned); e1 = m1 * 2 labelled "double", oldest first.</summary>
    public static object MathQuery(string ns, DateTimeOffset t) => new
    {
        StartTime = Iso(t),
        EndTime = Iso(t.AddMinutes(2)),
        ScanBy = "TimestampAscending",
        MetricDataQueries = new object[]
        {
            new
            {
                Id = "m1",
                MetricStat = new
                {
                    Metric = new { Namespace = ns, MetricName = "Latency", Dimensions = new[] { new { Name = "Host", Value = "a" } } },
                    Period = 60,
                    Stat = "Sum",
                },
                ReturnData = false,
            },
            new { Id = "e1", Expression = "m1 * 2", Label = "double" },
        },
    };

    public static void ShouldBeMathResult(JsonElement result)
    {
        var e1 = result.GetProperty("MetricDataResults").EnumerateArray().ShouldHaveSingleItem(result.ToString());
        e1.GetProperty("Id").GetString().ShouldBe("e1");
        e1.GetProperty("Label").GetString().ShouldBe("double");
        e1.GetProperty("StatusCode").GetString().ShouldBe("Complete");
        e1.GetProperty("Values").EnumerateArray().Select(v => v.GetDouble()).ShouldBe([200.0, 18.0]);
        e1.GetProperty("Timestamps").GetArrayLength().ShouldBe(2);
    }

    public static void ShouldBeFirstMinute(JsonElement p, DateTimeOffset t)
    {
        Time(p.GetProperty("Timestamp")).ShouldBe(t);
        p.GetProperty("SampleCount").GetDouble().ShouldBe(4);
        p.GetProperty("Sum").GetDouble().ShouldBe(100);
        p.GetProperty("Average").GetDouble().ShouldBe(25);
        p.GetProperty("Minimum").GetDouble().ShouldBe(10);
        p.GetProperty("Maximum").GetDouble().ShouldBe(40);
        p.GetProperty("Unit").GetString().ShouldBe("Milliseconds");
    }

    public static void ShouldBeSecondMinute(JsonElement p, DateTimeOffset t)
    {
        Time(p.GetProperty("Timestamp")).ShouldBe(t.AddMinutes(1));
        p.GetProperty("SampleCount").GetDouble().ShouldBe(4);
        p.GetProperty("Sum").GetDouble().ShouldBe(9);
        p.GetProperty("Average").GetDouble().ShouldBe(2.25);
        p.GetProperty("Minimum").GetDouble().ShouldBe(1);
        p.GetProperty("Maximum").GetDouble().ShouldBe(3);
    }

    /// <summary>A timestamp as a client printed it: ISO text (boto3's str(datetime), JS Date JSON) or epoch seconds (CLI v1).</summary>
    public static DateTimeOffset Time(JsonElement e) => e.ValueKind == JsonValueKind.Number
        ? DateTimeOffset.FromUnixTimeMilliseconds((long)(e.GetDouble() * 1000))
        : DateTimeOffset.Parse(e.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
