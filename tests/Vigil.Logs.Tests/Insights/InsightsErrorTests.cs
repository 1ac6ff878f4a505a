using Vigil.Logs.Insights;
using Vigil.Logs.Insights.Syntax;
using Vigil.Logs.Insights.Syntax.Ast;

namespace Vigil.Logs.Tests.Insights;

/// <summary>Malformed queries: the message, and the 1-based line and column of the offending text.</summary>
public sealed class InsightsErrorTests
{
    [Theory]
    [InlineData("fields a |", "unexpected end of query", 1, 11)]
    [InlineData("fields a\n| filter b = = 3", "unexpected symbol found =", 2, 14)]
    [InlineData("bogus", "unexpected symbol found bogus", 1, 1)]
    [InlineData("stats foo(x)", "unknown function foo", 1, 7)]
    [InlineData("fields abs(1, 2)", "function abs takes 1 argument, not 2", 1, 8)]
    [InlineData("fields concat()", "function concat takes at least 1 argument, not 0", 1, 8)]
    [InlineData("filter count(*) > 1", "aggregate function count can only be used in stats", 1, 8)]
    [InlineData("stats count(sum(x))", "aggregate function sum cannot be nested in another aggregate", 1, 13)]
    [InlineData("stats x by y", "field x must be inside an aggregate function", 1, 7)]
    [InlineData("stats count(*) by bin(5x)", "unexpected symbol found 5x", 1, 23)]
    [InlineData("stats count(*) by bin(5)", "the last argument of bin must be a time period such as 5m", 1, 23)]
    [InlineData("fields \"abc", "unterminated string", 1, 8)]
    [InlineData("fields `abc", "unterminated quoted field name", 1, 8)]
    [InlineData("filter a like /abc", "unterminated regular expression", 1, 15)]
    [InlineData("filter a like /(/", "invalid regular expression /(/", 1, 15)]
    [InlineData("limit 0", "limit must be a whole number from 1 to 10000", 1, 7)]
    [InlineData("limit 10001", "limit must be a whole number from 1 to 10000", 1, 7)]
    [InlineData("dedup a | sort b", "unexpected symbol found sort", 1, 11)]
    [InlineData("parse @message \"a*b*\" as x", "parse pattern has 2 wildcards but 1 field names", 1, 16)]
    [InlineData("parse @message /abc/", "parse needs a named capturing group such as (?<name>.*) in its regular expression", 1, 16)]
    [InlineData("fields 5m", "a time period can only be an argument of bin, datefloor or dateceil", 1, 8)]
    [InlineData("fields /x/", "a regular expression can only follow like or =~", 1, 8)]
    [InlineData("stats pct(x, 150)", "the percentile of pct must be a number from 0 to 100", 1, 14)]
    [InlineData("diff", "diff can only follow pattern", 1, 1)]
    [InlineData("sort @timestamp | pattern @message", "pattern cannot follow sort", 1, 19)]
    [InlineData("stats count(*) by x | pattern @message", "pattern cannot follow stats", 1, 23)]
    [InlineData("pattern @message | stats count(*)", "stats cannot follow pattern", 1, 20)]
    [InlineData("pattern @message | pattern @message", "pattern cannot follow pattern", 1, 20)]
    [InlineData("pattern @message | parse @pattern \"*\" as x", "parse cannot follow pattern", 1, 20)]
    [InlineData("pattern @message | diff previousYear", "unexpected symbol found previousYear", 1, 25)]
    [InlineData("pattern @message | sort @sampleCount | diff", "diff can only follow pattern", 1, 40)]
    [InlineData("pattern count(*)", "aggregate function count can only be used in stats", 1, 9)]
    [InlineData("fields a ! b", "unexpected symbol found !", 1, 10)]
    [InlineData("   ", "query is empty", 1, 4)]
    [InlineData("filter a in 1", "unexpected symbol found 1", 1, 13)]
    [InlineData("fields a as by", "unexpected symbol found by", 1, 13)]
    [InlineData("filter x\n  # comment\n  | stats avg(y) by", "unexpected end of query", 3, 20)]
    public void Reports_reason_line_and_column(string query, string reason, int line, int column)
    {
        var error = Should.Throw<InsightsQueryException>(() => InsightsQuery.Compile(query));
        error.Reason.ShouldBe(reason);
        (error.Line, error.Column).ShouldBe((line, column));
        error.Message.ShouldBe($"{reason} at line {line} and column {column}");
    }

    [Theory]
    [InlineData("pattern @message | diff", DiffPeriod.Previous)]
    [InlineData("pattern @message | diff previousDay", DiffPeriod.PreviousDay)]
    [InlineData("pattern @message | diff PREVIOUSWEEK", DiffPeriod.PreviousWeek)]
    [InlineData("pattern @message | diff previousMonth | limit 3", DiffPeriod.PreviousMonth)]
    public void Diff_keeps_the_period_it_compares_with(string query, DiffPeriod period) =>
        Parser.Parse(query).Commands.OfType<DiffCommand>().Single().Period.ShouldBe(period);

    [Fact]
    public void Nesting_beyond_the_cap_is_an_error_not_a_stack_overflow()
    {
        foreach (var depth in new[] { 101, 10_000 / 3 })
        {
            Should.Throw<InsightsQueryException>(() => InsightsQuery.Compile("filter " + new string('(', depth) + "1" + new string(')', depth)));
            Should.Throw<InsightsQueryException>(() => InsightsQuery.Compile("filter " + string.Concat(Enumerable.Repeat("not ", depth)) + "1"));
            Should.Throw<InsightsQueryException>(() => InsightsQuery.Compile("fields " + string.Concat(Enumerable.Repeat("-", depth)) + "1"));
            Should.Throw<InsightsQueryException>(() => InsightsQuery.Compile("fields " + string.Concat(Enumerable.Repeat("abs(", depth)) + "1" + new string(')', depth)));
        }

        Should.NotThrow(() => InsightsQuery.Compile("filter " + new string('(', 90) + "1" + new string(')', 90)));
    }

    [Fact]
    public void Queries_longer_than_ten_thousand_characters_are_refused() =>
        Should.Throw<InsightsQueryException>(() => InsightsQuery.Compile("fields " + new string('a', 10_000)))
            .Reason.ShouldBe("query is longer than 10000 characters");

    [Fact]
    public void Offsets_point_into_the_text()
    {
        var error = Should.Throw<InsightsQueryException>(() => InsightsQuery.Compile("fields a\n| stats nope(a)"));
        (error.Offset, error.Length).ShouldBe((17, 4));
    }
}
