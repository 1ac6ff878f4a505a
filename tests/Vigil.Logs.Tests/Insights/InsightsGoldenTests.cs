using System.Globalization;
using Vigil.Logs.Insights;
using Vigil.Logs.Insights.Execution;

namespace Vigil.Logs.Tests.Insights;

/// <summary>Every command and function against the fixed corpus, with rows checked by hand.</summary>
public sealed class InsightsGoldenTests
{
    [Fact]
    public void Fields_and_filter_return_matching_events_newest_first() =>
        InsightsCorpus.Rows("fields @timestamp, level | filter level = \"ERROR\"").ShouldBe(
        [
            "@timestamp=2024-01-01 00:02:10.000|level=ERROR",
            "@timestamp=2024-01-01 00:00:30.000|level=ERROR",
        ]);

    [Fact]
    public void Without_fields_rows_show_timestamp_and_message() =>
        InsightsCorpus.Rows("filter @message like \"DataIntegrity\"").ShouldBe(
            ["@timestamp=2024-01-01 00:04:20.000|@message=  plain line with Exception: DataIntegrityException  "]);

    [Fact]
    public void Stats_count_by_field_groups_missing_values_last() =>
        InsightsCorpus.Rows("stats count(*) as n by level").ShouldBe(
            ["level=DEBUG|n=1", "level=ERROR|n=2", "level=INFO|n=3", "level=WARN|n=1", "n=5"]);

    [Fact]
    public void Stats_numeric_aggregations() =>
        InsightsCorpus.Rows("filter ispresent(status) | stats avg(latency) as a, sum(latency) as s, min(status) as mn, max(status) as mx, count(*) as c")
            .ShouldBe(["a=222.91666666666666|s=1337.5|mn=200|mx=503|c=7"]);

    [Fact]
    public void Stats_count_distinct_pct_and_stddev()
    {
        var row = InsightsCorpus.Rows("stats count_distinct(user.id) as users, pct(latency, 50) as p50, pct(latency, 100) as p100, stddev(latency) as sd").Single();
        row.ShouldStartWith("users=4|p50=30|p100=1000|sd=");
        double.Parse(row.Split("sd=")[1], CultureInfo.InvariantCulture).ShouldBe(391.67083331117044, 1e-9);
    }

    [Fact]
    public void Unaliased_columns_are_named_by_their_text() =>
        InsightsCorpus.Rows("filter level = \"WARN\" | stats count(*), max(latency)").ShouldBe(["count(*)=1|max(latency)=5"]);

    [Fact]
    public void Glob_parse_feeds_stats() =>
        InsightsCorpus.Rows("parse @message \"[*] user=*, method:*, latency := * \" as lvl, u, m, lat | filter ispresent(lvl) | stats sum(lat) as total, count(*) as c by m")
            .ShouldBe(["m=GET|total=137|c=2", "m=POST|total=3|c=1"]);

    [Fact]
    public void Regex_parse_sort_and_display() =>
        InsightsCorpus.Rows("parse @message /\\[(?<lvl>\\w+)\\] user=(?<who>\\w+)/ | filter ispresent(who) | sort who asc, @timestamp desc | display who, lvl")
            .ShouldBe(["who=u1|lvl=WARN", "who=u1|lvl=ERROR", "who=u2|lvl=INFO"]);

    [Fact]
    public void Stats_by_bin() =>
        InsightsCorpus.Rows("stats count(*) as c by bin(1m)").ShouldBe(
        [
            "bin(1m)=2024-01-01 00:00:00.000|c=3",
            "bin(1m)=2024-01-01 00:01:00.000|c=3",
            "bin(1m)=2024-01-01 00:02:00.000|c=2",
            "bin(1m)=2024-01-01 00:03:00.000|c=1",
            "bin(1m)=2024-01-01 00:04:00.000|c=2",
            "bin(1m)=2024-01-01 00:05:00.000|c=1",
        ]);

    [Fact]
    public void Sort_and_limit_take_the_top_rows() =>
        InsightsCorpus.Rows("fields latency | filter ispresent(latency) | sort latency desc | limit 3").ShouldBe(["latency=1000", "latency=250", "latency=40"]);

    [Fact]
    public void Limit_without_sort_takes_the_newest() =>
        InsightsCorpus.Rows("fields @logStream | limit 2").ShouldBe(["@logStream=s2", "@logStream=s1"]);

    [Fact]
    public void Dedup_keeps_the_first_row_per_value_in_sort_order() =>
        InsightsCorpus.Rows("fields user.id | filter ispresent(user.id) | sort @timestamp desc | dedup user.id")
            .ShouldBe(["user.id=u4", "user.id=u2", "user.id=u3", "user.id=u1"]);

    [Fact]
    public void Dedup_keeps_rows_with_missing_values() =>
        InsightsCorpus.Rows("fields level | dedup level | limit 20")
            .ShouldBe(["level=DEBUG", "", "", "level=INFO", "", "level=ERROR", "level=WARN", "", ""]);

    [Fact]
    public void String_functions() =>
        InsightsCorpus.Rows("""
            filter user.id = "u4"
            | fields strlen(user.name) as a, toupper(level) as b, tolower(level) as c, trim("  x ") as d,
                ltrim("xyZfooxyZ", "xyZ") as e, rtrim("xyZfooxyZ", "xyZ") as f, trim("xyZfooxyZ", "xyZ") as g,
                concat(level, "-", status) as h, substr("xyZfooxyZ", 3, 3) as i, replace("foo", "o", "0") as j,
                strcontains(level, "NF") as k, isempty(missing) as l, isblank("  ") as m, ispresent(user.name) as n,
                coalesce(missing, user.name) as o, substr('abc', 1) as p
            """).ShouldBe(["a=2|b=INFO|c=info|d=x|e=fooxyZ|f=xyZfoo|g=foo|h=INFO-201|i=foo|j=f00|k=1|l=1|m=1|n=1|o=Cy|p=bc"]);

    [Fact]
    public void Numeric_functions_and_operators() =>
        InsightsCorpus.Rows("""
            filter user.id = "u4"
            | fields abs(-3) as a, ceil(1.2) as b, floor(-1.5) as c, greatest(1, latency, 7) as d, least(3, latency) as e,
                log(1) as f, sqrt(16) as g, pow(2, 10) as h, 2 ^ 3 as i, 10 % 3 as j, latency / 8 as k, -latency + 1 as l,
                1 + 2 * 3 as m, (1 + 2) * 3 as n, 1 / 0 as o, 0.1 + 0.2 as p
            """).ShouldBe(["a=3|b=2|c=-2|d=40|e=3|f=0|g=4|h=1024|i=8|j=1|k=5|l=-39|m=7|n=9|p=0.30000000000000004"]);

    [Fact]
    public void Datetime_functions() =>
        InsightsCorpus.Rows("""
            filter user.id = "u4"
            | fields datefloor(@timestamp, 1h) as a, dateceil(@timestamp, 1h) as b, bin(5m) as c, toMillis(@timestamp) as d,
                fromMillis(1704067200000) as e, datefloor(@timestamp, 1mo) as f, datefloor(@timestamp, 1w) as g,
                dateceil(@timestamp, 1d) as h, datefloor(@timestamp, 1y) as i, bin(30s) as j
            """).ShouldBe(["a=2024-01-01 00:00:00.000|b=2024-01-01 01:00:00.000|c=2024-01-01 00:00:00.000|d=1704067400000"
                + "|e=2024-01-01 00:00:00.000|f=2024-01-01 00:00:00.000|g=2024-01-01 00:00:00.000|h=2024-01-02 00:00:00.000"
                + "|i=2024-01-01 00:00:00.000|j=2024-01-01 00:03:00.000"]);

    [Fact]
    public void Ip_functions() =>
        InsightsCorpus.Rows("""
            filter ispresent(ip)
            | fields ip, isValidIp(ip) as v, isValidIpV4(ip) as v4, isValidIpV6(ip) as v6, isIpInSubnet(ip, "10.0.0.0/24") as s,
                isIpv4InSubnet(ip, "192.168.0.0/16") as s4, isIpv6InSubnet(ip, "2001:db8::/32") as s6
            | sort @timestamp asc
            """).ShouldBe(
        [
            "ip=10.0.0.1|v=1|v4=1|v6=0|s=1|s4=0|s6=0",
            "ip=10.0.1.7|v=1|v4=1|v6=0|s=0|s4=0|s6=0",
            "ip=192.168.1.20|v=1|v4=1|v6=0|s=0|s4=1|s6=0",
            "ip=2001:db8::1|v=1|v4=0|v6=1|s=0|s4=0|s6=1",
            "ip=10.0.0.9|v=1|v4=1|v6=0|s=1|s4=0|s6=0",
            "ip=bad-ip|v=0|v4=0|v6=0|s=0|s4=0|s6=0",
        ]);

    [Fact]
    public void Non_aggregating_stats_functions() =>
        InsightsCorpus.Rows("stats earliest(level) as e, latest(level) as l, sortsFirst(level) as f, sortsLast(level) as s, earliest(@timestamp) as et, latest(@message) as lm")
            .ShouldBe(["e=INFO|l=DEBUG|f=DEBUG|s=WARN|et=1704067200000|lm={\"@odd\":\"x\",\"level\":\"DEBUG\",\"nested\":{\"deep\":{\"k\":1}},\"status\":\"abc\"}"]);

    [Fact]
    public void In_not_in_and_boolean_operators()
    {
        InsightsCorpus.Rows("filter status in [200, 404] and not (level = \"WARN\") | fields status").ShouldBe(["status=200", "status=200"]);
        InsightsCorpus.Rows("filter level not in [\"INFO\", \"ERROR\"] | fields level").ShouldBe(["level=DEBUG", "level=WARN"]);
        InsightsCorpus.Rows("filter @message not like \"user=\" and @message =~ /latency/ | fields status")
            .ShouldBe(["status=201", "status=503", "status=404", "status=200", "status=500", "status=200"]);
        InsightsCorpus.Rows("filter level = \"WARN\" or latency >= 1000 or status != status | fields status").ShouldBe(["status=503", "status=404"]);
        InsightsCorpus.Rows("filter @message like /(?i)exception/ | fields strlen(@message) as n").ShouldBe(["n=53"]);
    }

    [Fact]
    public void System_and_discovered_fields()
    {
        InsightsCorpus.Rows("filter ispresent(tags.0) | fields @log, tags.0, tags.1, user.name")
            .ShouldBe(["@log=123456789012:app|tags.0=c|user.name=Bob", "@log=123456789012:app|tags.0=a|tags.1=b|user.name=Ann"]);
        InsightsCorpus.Rows("filter level = \"DEBUG\" | fields `@@odd`, nested.deep.k, @ingestionTime, @logStream")
            .ShouldBe(["@@odd=x|nested.deep.k=1|@ingestionTime=2024-01-01 00:05:01.000|@logStream=s2"]);
        InsightsCorpus.Rows("filter @type = \"REPORT\" | fields @requestId, @duration, @billedDuration, @memorySize, @maxMemoryUsed")
            .ShouldBe(["@requestId=abc-1|@duration=12.34|@billedDuration=13|@memorySize=128000000|@maxMemoryUsed=64000000"]);
    }

    [Fact]
    public void Broken_json_only_loses_discovered_fields_and_lone_surrogates_read_as_replacement_characters()
    {
        // A stored message is UTF-8, where a lone surrogate can only have become U+FFFD.
        LogEventInput[] events = [new("a:g", "s", 1, 1, 1, "{\"a\": \"\uD800\"}"), new("a:g", "s", 2, 2, 2, "{\"a\": 1")];
        InsightsCorpus.Render(InsightsQuery.Compile("fields a, strlen(@message) as n").Run(events)).ShouldBe(["n=7", "a=\uFFFD|n=10"]);
    }

    [Fact]
    public void Regexes_the_linear_engine_refuses_run_on_the_backtracking_one()
    {
        // A lookahead and a backreference: outside NonBacktracking's subset, so the time-limited engine runs them.
        InsightsCorpus.Rows("parse @message /(?<word>[a-z]+)(?= line)/ | filter ispresent(word) | fields word").ShouldBe(["word=plain"]);
        InsightsCorpus.Rows("filter @message like /(l)\\1/ | fields @logStream").ShouldBe(["@logStream=s2"]);
    }

    [Fact]
    public void Pointer_identifies_the_event()
    {
        var result = InsightsQuery.Compile("filter @message like \"Connection reset\"").Run(InsightsCorpus.Events);
        var pointer = result.Rows.Single().Single(f => f.Field == "@ptr").Value;
        LogRecordPointer.TryDecode(pointer, out var parts).ShouldBeTrue();
        parts.ShouldBe((InsightsCorpus.Group, "s1", InsightsCorpus.T0 + 10_000, 7L));
        InsightsQuery.Compile("stats count(*)").Run(InsightsCorpus.Events).Rows.Single().ShouldNotContain(f => f.Field == "@ptr");
    }

    [Fact]
    public void Stats_over_stats_filter_and_sort_after_stats()
    {
        InsightsCorpus.Rows("stats count(*) as c by level | stats sum(c) as total").ShouldBe(["total=12"]);
        InsightsCorpus.Rows("stats count(*) as c by level | filter c > 1 | sort c desc").ShouldBe(["c=5", "level=INFO|c=3", "level=ERROR|c=2"]);
        InsightsCorpus.Rows("stats sum(latency) / count(latency) as mean, count(*) * 2 as twice").ShouldBe(["mean=222.91666666666666|twice=24"]);
        InsightsCorpus.Rows("stats count(*) as c by level | fields c * 10 as tens | limit 2").ShouldBe(["level=DEBUG|c=1|tens=10", "level=ERROR|c=2|tens=20"]);
    }

    [Fact]
    public void Stats_without_groups_over_no_events_is_one_row() =>
        InsightsCorpus.Rows("filter level = \"NONE\" | stats count(*) as c, avg(latency) as a").ShouldBe(["c=0"]);

    [Fact]
    public void Multiple_fields_commands_show_all_their_fields_and_aliases_chain() =>
        InsightsCorpus.Rows("filter user.id = \"u3\" | fields status as s, s + 1 as t | fields level").ShouldBe(["s=404|t=405|level=WARN"]);

    [Fact]
    public void Comments_backticks_and_case_insensitive_keywords() =>
        InsightsCorpus.Rows("""
            # only warnings
            FILTER level = 'WARN' # trailing comment
            | FIELDS `user.id` AS `the-user`, "#not a comment" as c
            """).ShouldBe(["the-user=u3|c=#not a comment"]);

    [Fact]
    public void Unmask_changes_nothing() =>
        InsightsCorpus.Rows("filter user.id = \"u3\" | fields unmask(level) as l | unmask @message").ShouldBe(["l=WARN"]);

    [Fact]
    public void Time_window_drops_events_outside_it()
    {
        var query = InsightsQuery.Compile("stats count(*) as c", InsightsCorpus.T0 + 60_000, InsightsCorpus.T0 + 120_000);
        var result = query.Run(InsightsCorpus.Events);
        InsightsCorpus.Render(result).ShouldBe(["c=3"]);
        result.Statistics.RecordsScanned.ShouldBe(3);
    }

    [Fact]
    public void Statistics_count_scanned_matched_and_bytes()
    {
        var result = InsightsQuery.Compile("filter level = \"ERROR\"").Run(InsightsCorpus.Events);
        result.Statistics.ShouldBe(new QueryStatistics(2, 12, InsightsCorpus.Events.Sum(e => System.Text.Encoding.UTF8.GetByteCount(e.Message))));
    }

    [Fact]
    public void Default_limit_is_a_thousand_rows_and_limit_raises_it()
    {
        var many = Enumerable.Range(0, 1500).Select(i => new LogEventInput("a:b", "s", i, i, i, "m")).ToArray();
        InsightsQuery.Compile("fields @message").Run(many).Rows.Count.ShouldBe(1000);
        InsightsQuery.Compile("fields @message | limit 1200").Run(many).Rows.Count.ShouldBe(1200);
        InsightsQuery.Compile("stats count(*) by @timestamp").Run(many).Rows.Count.ShouldBe(1000);
    }
}
