using Vigil.Logs.Insights;
using Vigil.Logs.Insights.Plan;

namespace Vigil.Logs.Tests.Insights;

public sealed class InsightsHintsTests
{
    [Theory]
    [InlineData("filter @message like \"abc\" and @message like /x\\.y+z/", new[] { "abc", "x.", "z" })]
    [InlineData("filter @message like \"a\" or @message like \"b\"", new string[0])]
    [InlineData("filter (@message like \"a\" and @message like \"b\") or @message like \"a\"", new[] { "a" })]
    [InlineData("filter not @message like \"a\"", new string[0])]
    [InlineData("filter @message not like \"a\"", new string[0])]
    [InlineData("filter @message = \"1e3\"", new string[0])]
    [InlineData("filter @message = \"exact\"", new[] { "exact" })]
    [InlineData("filter @message like /(?i)abc/", new string[0])]
    [InlineData("filter @message like /ab|cd/", new string[0])]
    [InlineData("filter @message like /\\x41bc/", new string[0])]
    [InlineData("filter @message like /^ERROR [0-9]+ done$/", new[] { " done", "ERROR " })]
    [InlineData("stats count(*) | filter @message like \"a\"", new string[0])]
    [InlineData("fields x as @message | filter @message like \"a\"", new string[0])]
    [InlineData("filter a like \"x\"", new string[0])]
    public void Required_substrings_are_sound(string query, string[] expected) =>
        InsightsQuery.Compile(query).Hints.RequiredSubstrings.ShouldBe(expected);

    [Fact]
    public void Literal_runs_of_regexes() =>
        RequiredSubstrings.LiteralRuns("abc*de?f{2}g[xy]h\\d\\.i").Order(StringComparer.Ordinal).ShouldBe([".i", "ab", "d", "g", "h"]);

    [Fact]
    public void Referenced_fields_leave_out_created_fields()
    {
        InsightsQuery.Compile("fields a + b as c | filter c > 1 and d = 2 | stats count(*) by bin(5m)").Hints.ReferencedFields
            .Order(StringComparer.Ordinal).ShouldBe(["@timestamp", "a", "b", "d"]);
        InsightsQuery.Compile("filter x = 1").Hints.ReferencedFields.Order(StringComparer.Ordinal).ShouldBe(["@message", "@timestamp", "x"]);
    }

    [Fact]
    public void Early_stop_only_when_limit_is_the_first_blocking_step()
    {
        InsightsQuery.Compile("filter x = 1 | fields y").Hints.StopAfterRows.ShouldBe(1000);
        InsightsQuery.Compile("filter x = 1 | limit 5").Hints.StopAfterRows.ShouldBe(5);
        InsightsQuery.Compile("sort y | limit 5").Hints.StopAfterRows.ShouldBeNull();
        InsightsQuery.Compile("stats count(*)").Hints.StopAfterRows.ShouldBeNull();
        InsightsQuery.Compile("dedup a").Hints.StopAfterRows.ShouldBeNull();
    }

    [Fact]
    public void A_saturated_accumulator_fed_newest_first_has_the_full_answer()
    {
        var query = InsightsQuery.Compile("filter ispresent(level) | fields level | limit 2");
        var accumulator = query.CreateAccumulator();
        var fed = 0;
        foreach (var e in InsightsCorpus.Events.OrderByDescending(e => e.Timestamp))
        {
            accumulator.Add(e);
            fed++;
            if (accumulator.IsSaturated)
            {
                break;
            }
        }

        fed.ShouldBeLessThan(InsightsCorpus.Events.Length);
        InsightsCorpus.Render(query.Finish(accumulator)).ShouldBe(InsightsCorpus.Rows("filter ispresent(level) | fields level | limit 2"));
    }

    [Fact]
    public void Time_window_is_passed_through() =>
        (InsightsQuery.Compile("fields a", 10, 20).Hints.StartTime, InsightsQuery.Compile("fields a", 10, 20).Hints.EndTime).ShouldBe((10L, 20L));
}
