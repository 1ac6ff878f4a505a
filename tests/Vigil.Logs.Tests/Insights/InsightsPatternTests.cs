using Vigil.Logs.Insights;
using Vigil.Logs.Insights.Execution;
using Vigil.Logs.Insights.Plan;

namespace Vigil.Logs.Tests.Insights;

/// <summary>
/// <c>pattern</c> and <c>diff</c> over a fixed corpus of text lines, every expected row worked out by hand: ten lines
/// in the query minute (2024-01-01 00:00), five in the minute before, one the day before and one two hours before
/// (in no window the tests use).
/// </summary>
public sealed class InsightsPatternTests
{
    private const long T0 = InsightsCorpus.T0;
    private const long Minute = 60_000;
    private const long Day = 86_400_000;

    private static readonly LogEventInput[] Events =
    [
        E(1, 1_000, "2024-01-01 00:00:01 [INFO] Request time: 327 ms"),
        E(2, 2_000, "2024-01-01 00:00:02 [INFO] Request time: 12 ms"),
        E(3, 3_000, "2024-01-01 00:00:03 [INFO] Request time: 327 ms"),
        E(4, 4_000, "2024-01-01 00:00:04 [ERROR] Connection to 10.0.0.1:5432 refused"),
        E(5, 5_000, "2024-01-01 00:00:05 [ERROR] Connection to 10.0.0.2:5432 refused"),
        E(6, 6_000, "2024-01-01 00:00:06 [WARN] Slow query on table users"),
        E(7, 7_000, "2024-01-01 00:00:07 [WARN] Slow query on table orders"),
        E(8, 8_000, "2024-01-01 00:00:08 [INFO] User alice logged in"),
        E(9, 9_000, "2024-01-01 00:00:09 [INFO] User bob logged in"),
        E(10, 10_000, "2024-01-01 00:00:10 [DEBUG] cache hit ratio 0.93"),
        E(11, -50_000, "2023-12-31 23:59:10 [INFO] Request time: 5 ms"),
        E(12, -40_000, "2023-12-31 23:59:20 [WARN] Slow query on table users"),
        E(13, -39_000, "2023-12-31 23:59:21 [WARN] Slow query on table users"),
        E(14, -38_000, "2023-12-31 23:59:22 [WARN] Slow query on table users"),
        E(15, -30_000, "2023-12-31 23:59:30 [INFO] Shutting down worker 7"),
        E(16, 5_000 - Day, "2023-12-31 00:00:05 [ERROR] Connection to 10.0.0.3:5432 refused"),
        E(17, -2 * 3_600_000, "2023-12-31 22:00:00 [INFO] Request time: 1 ms"),
    ];

    private const string Request = "<*> [INFO] Request time: <*> ms";
    private const string Connection = "<*> [ERROR] Connection to <*>:<*> refused";
    private const string User = "<*> [INFO] User <*> logged in";
    private const string Slow = "<*> [WARN] Slow query on table <*>";
    private const string Cache = "<*> [DEBUG] cache hit ratio <*>";
    private const string Shutdown = "<*> [INFO] Shutting down worker <*>";

    [Fact]
    public void Pattern_clusters_lines_counts_them_and_labels_their_severity() =>
        Rows("pattern @message", "@pattern", "@ratio", "@sampleCount", "@severityLabel").ShouldBe(
        [
            $"{Request}|0.3|3|INFO",
            $"{Connection}|0.2|2|ERROR",
            $"{User}|0.2|2|INFO",
            $"{Slow}|0.2|2|WARN",
            $"{Cache}|0.1|1|DEBUG",
        ]);

    [Fact]
    public void Pattern_rows_have_the_documented_columns_in_order()
    {
        var result = Query("pattern @message").Run(Events);
        result.Rows[0].Select(f => f.Field).ShouldBe(["@pattern", "@ratio", "@sampleCount", "@severityLabel", "@tokens"]);
        result.Statistics.RecordsScanned.ShouldBe(10);
        result.Statistics.RecordsMatched.ShouldBe(10);
        Query("pattern @message").IsAggregation.ShouldBeTrue();
    }

    [Fact]
    public void Tokens_describe_static_text_and_each_dynamic_token_with_its_values() =>
        Rows("pattern @message | limit 1", "@tokens").Single().ShouldBe(
            """[{"dynamicTokenPosition":1,"isDynamic":true,"tokenString":"<*>","inferredTokenName":"Time-1","enumerations":""" +
            """{"2024-01-01 00:00:01":1,"2024-01-01 00:00:02":1,"2024-01-01 00:00:03":1}},""" +
            """{"isDynamic":false,"tokenString":" [INFO] Request time: "},""" +
            """{"dynamicTokenPosition":2,"isDynamic":true,"tokenString":"<*>","inferredTokenName":"Number-2","enumerations":{"327":2,"12":1}},""" +
            """{"isDynamic":false,"tokenString":" ms"}]""");

    [Fact]
    public void Words_that_differ_between_similar_lines_become_tokens_of_their_own_kind()
    {
        var tokens = Rows("pattern @message | filter @sampleCount = 2", "@tokens");
        tokens[0].ShouldContain("""{"dynamicTokenPosition":2,"isDynamic":true,"tokenString":"<*>","inferredTokenName":"IPAddress-2","enumerations":{"10.0.0.1":1,"10.0.0.2":1}}""");
        tokens[1].ShouldContain("""{"dynamicTokenPosition":2,"isDynamic":true,"tokenString":"<*>","inferredTokenName":"Token-2","enumerations":{"alice":1,"bob":1}}""");
        tokens[2].ShouldContain("""{"dynamicTokenPosition":2,"isDynamic":true,"tokenString":"<*>","inferredTokenName":"Token-2","enumerations":{"orders":1,"users":1}}""");
    }

    [Fact]
    public void Sort_limit_filter_and_display_work_on_pattern_rows()
    {
        Rows("pattern @message | sort @sampleCount asc | limit 2", "@pattern", "@sampleCount").ShouldBe([$"{Cache}|1", $"{Connection}|2"]);
        Rows("pattern @message | filter @sampleCount > 2", "@pattern").ShouldBe([Request]);
        Query("pattern @message | display @sampleCount, @pattern").Columns.ShouldBe(["@sampleCount", "@pattern"]);
    }

    [Fact]
    public void Filter_before_pattern_narrows_its_input_and_the_ratio() =>
        Rows("filter @message like /INFO/ | pattern @message", "@pattern", "@ratio", "@sampleCount").ShouldBe([$"{Request}|0.6|3", $"{User}|0.4|2"]);

    [Fact]
    public void Pattern_of_a_parsed_field_clusters_its_values() =>
        Rows("parse @message \"[*] *\" as level, rest | pattern level", "@pattern", "@ratio", "@sampleCount", "@severityLabel").ShouldBe(
            ["INFO|0.5|5|INFO", "ERROR|0.2|2|ERROR", "WARN|0.2|2|WARN", "DEBUG|0.1|1|DEBUG"]);

    [Fact]
    public void Diff_compares_with_the_window_just_before()
    {
        Query("pattern @message | diff").ComparisonWindow.ShouldBe(new TimeWindow(T0 - Minute, T0 - 1));
        Rows("pattern @message | diff", "@pattern", "@ratio", "@sampleCount", "@previousSampleCount", "@diffEventCount", "@differenceDescription", "@severityLabel")
            .ShouldBe(
            [
                $"{Request}|0.3|3|1|2|2 more|INFO",
                $"{Connection}|0.2|2|0|2|new|ERROR",
                $"{User}|0.2|2|0|2|new|INFO",
                $"{Slow}|0.2|2|3|-1|1 fewer|WARN",
                $"{Cache}|0.1|1|0|1|new|DEBUG",
                $"{Shutdown}|0|0|1|-1|gone|INFO",
            ]);
    }

    [Fact]
    public void Diff_rows_add_the_comparison_columns_and_scan_both_windows()
    {
        var result = Query("pattern @message | diff").Run(Events);
        result.Rows[0].Select(f => f.Field).ShouldBe(
            ["@pattern", "@ratio", "@sampleCount", "@severityLabel", "@previousSampleCount", "@diffEventCount", "@differenceDescription", "@tokens"]);
        result.Statistics.RecordsScanned.ShouldBe(15);
    }

    [Fact]
    public void Diff_previous_day_compares_with_the_same_minute_a_day_earlier()
    {
        Query("pattern @message | diff previousDay").ComparisonWindow.ShouldBe(new TimeWindow(T0 - Day, T0 - Day + Minute - 1));
        Rows("pattern @message | diff previousDay", "@pattern", "@sampleCount", "@previousSampleCount", "@differenceDescription").ShouldBe(
        [
            $"{Request}|3|0|new",
            $"{User}|2|0|new",
            $"{Slow}|2|0|new",
            $"{Connection}|2|1|1 more",
            $"{Cache}|1|0|new",
        ]);
    }

    [Fact]
    public void Diff_previous_week_and_month_shift_by_calendar_units()
    {
        Query("pattern @message | diff previousWeek").ComparisonWindow.ShouldBe(new TimeWindow(T0 - (7 * Day), T0 - (7 * Day) + Minute - 1));
        var december = new DateTimeOffset(2023, 12, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        Query("pattern @message | diff previousMonth").ComparisonWindow.ShouldBe(new TimeWindow(december, december + Minute - 1));
        Rows("pattern @message | diff previousWeek", "@differenceDescription").Distinct().ShouldBe(["new"]);
    }

    [Fact]
    public void Diff_over_an_unbounded_window_has_no_comparison_and_every_pattern_is_new()
    {
        var query = InsightsQuery.Compile("filter @message like /Request/ | pattern @message | diff");
        query.ComparisonWindow.ShouldBeNull();
        Should.Throw<InvalidOperationException>(query.CreateComparisonAccumulator);
        InsightsCorpus.Render(query.Run(Events)).Select(r => string.Join('|', r.Split('|').Where(c => c.StartsWith("@previousSampleCount", StringComparison.Ordinal) || c.StartsWith("@sampleCount", StringComparison.Ordinal))))
            .ShouldBe(["@sampleCount=5|@previousSampleCount=0"]);
    }

    [Fact]
    public void Accumulators_merged_pairwise_give_the_rows_of_one()
    {
        foreach (var text in new[] { "pattern @message", "pattern @message | diff", "pattern @message | diff previousDay | sort @sampleCount asc" })
        {
            var query = Query(text);
            var expected = InsightsCorpus.Render(query.Run(Events));
            QueryAccumulator Earlier() => query.ComparisonWindow is null ? query.CreateAccumulator() : query.CreateComparisonAccumulator();
            var parts = new[] { query.CreateAccumulator(), query.CreateAccumulator(), Earlier(), Earlier() };
            for (var i = 0; i < Events.Length; i++)
            {
                parts[i % 2].Add(Events[i]);
                if (query.ComparisonWindow is not null)
                {
                    parts[2 + (i % 2)].Add(Events[i]);
                }
            }

            parts[3].Merge(parts[1]);
            parts[2].Merge(parts[0]);
            parts[3].Merge(parts[2]);
            InsightsCorpus.Render(query.Finish(parts[3])).ShouldBe(expected, text);
        }
    }

    [Fact]
    public void Events_without_the_field_are_left_out_of_patterns_and_of_the_ratio() =>
        Rows("parse @message \"Request time: * ms\" as took | pattern took", "@pattern", "@ratio", "@sampleCount").ShouldBe(["<*>|1|3"]);

    private static InsightsQuery Query(string text) => InsightsQuery.Compile(text, T0, T0 + Minute - 1);

    private static string[] Rows(string text, params string[] columns) =>
        [.. Query(text).Run(Events).Rows.Select(row => string.Join('|', columns.Select(c => row.FirstOrDefault(f => f.Field == c).Value ?? "-")))];

    private static LogEventInput E(long seq, long offset, string message) =>
        new(InsightsCorpus.Group, "s", T0 + offset, T0 + offset, seq, message);
}
