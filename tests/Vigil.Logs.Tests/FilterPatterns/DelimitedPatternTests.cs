using Vigil.Logs.FilterPatterns;

namespace Vigil.Logs.Tests.FilterPatterns;

/// <summary>Space-delimited patterns, with the examples of AWS's "Filter pattern syntax" page.</summary>
public sealed class DelimitedPatternTests
{
    private const string Apache = "127.0.0.1 Prod frank [10/Oct/2000:13:25:15 -0700] \"GET /index.html HTTP/1.0\" 404 1534";

    private static readonly string[] ServiceLog =
    [
        "INFO 09/25/2014 12:00:00 GET /service/resource/67 1200",
        "INFO 09/25/2014 12:00:01 POST /service/resource/67/part/111 1310",
        "WARNING 09/25/2014 12:00:02 Invalid user request",
        "ERROR 09/25/2014 12:00:02 Failed to process request",
    ];

    private static bool[] Run(string pattern, params string[] messages) => PatternRun.Over(pattern, messages);

    [Theory]
    [InlineData("[ip, user, username, timestamp, request =*.html*, status_code = 4*, bytes]", true)]
    [InlineData("[ip=%127\\.0\\.0\\.[1-9]%, user, username, timestamp, request =*.html*, status_code = 4*, bytes]", true)]
    [InlineData("[ip=%127\\.0\\.0\\.[2-9]%, user, username, timestamp, request, status_code, bytes]", false)]
    [InlineData("[..., request =*.html*, status_code = 4*, bytes]", true)]
    [InlineData("[ip, user, username, timestamp, request =*.html*, status_code = 404 || status_code = 410, bytes]", true)]
    [InlineData("[ip, user, username, timestamp, request, status_code = 410 || status_code = 500, bytes]", false)]
    [InlineData("[ip, server, username, timestamp, request, status_code, bytes > 1000]", true)]
    [InlineData("[ip, server, username, timestamp, request, status_code, bytes > 2000]", false)]
    [InlineData("[ip, user = Prod, ...]", true)]
    [InlineData("[ip, user = prod, ...]", false)]
    [InlineData("[..., timestamp = \"10/Oct/2000:13:25:15 -0700\", ...]", true)]
    [InlineData("[..., request = \"GET /index.html HTTP/1.0\", ...]", true)]
    [InlineData("[..., status_code = 404, bytes = 1534]", true)]
    [InlineData("[..., status_code = 404.0, ...]", true)]
    [InlineData("[..., status_code >= 400 && status_code < 500, ...]", true)]
    [InlineData("[..., status_code != 404, bytes = 1534]", false)]
    [InlineData("[..., status_code != 404, ...]", true)] // "..." may align status_code with any field, e.g. "Prod"
    [InlineData("[a, b, c, d, e, f, g, h]", false)]
    [InlineData("[...]", true)]
    [InlineData("[..., bytes = 1534, ...]", true)]
    [InlineData("[ip, rest = \"Prod frank*\"]", true)]
    public void Aws_access_log_examples(string pattern, bool expected) =>
        FilterPattern.Parse(pattern).Matches(Apache).ShouldBe(expected);

    [Fact]
    public void Match_terms_in_order() =>
        Run("[w1=ERROR, w2]", ServiceLog).ShouldBe([false, false, false, true]);

    [Fact]
    public void Without_the_trailing_field_the_last_entry_takes_the_whole_line() =>
        Run("[w1=ERROR]", [.. ServiceLog, "ERROR"]).ShouldBe([false, false, false, false, true]);

    [Fact]
    public void Or_and_not_equal() =>
        Run("[w1=ERROR || w1=WARNING, w2]", ServiceLog).ShouldBe([false, false, true, true]);

    [Fact]
    public void Field_names_in_a_condition_compare_case_insensitively() =>
        Run("[w1=ERROR || W1=WARNING, w2]", ServiceLog).ShouldBe([false, false, true, true]);

    [Fact]
    public void Exclude_terms() =>
        Run("[w1!=ERROR && w1!=WARNING, w2]", ServiceLog).ShouldBe([true, true, false, false]);

    [Fact]
    public void Top_level_and_child_resources_by_regex()
    {
        Run("[logLevel, date, time, method, url=%/service/resource/[0-9]+$%, response_time]", ServiceLog)
            .ShouldBe([true, false, false, false]);
        Run("[logLevel, date, time, method, url=%/service/resource/[0-9]+/part/[0-9]+$%, response_time]", ServiceLog)
            .ShouldBe([false, true, false, false]);
    }

    [Fact]
    public void Ellipsis_can_stand_anywhere_and_repeat()
    {
        Run("[first, ..., last = 1534]", Apache).ShouldBe([true]);
        Run("[..., x = frank, ..., y = 404, ...]", Apache, "404 frank").ShouldBe([true, false]);
        Run("[..., x = a, ..., y = b, ...]", "a b", "b a", "a x b", "a").ShouldBe([true, false, true, false]);
        Run("[...]", "").ShouldBe([true]);
        Run("[a]", "", "   ").ShouldBe([false, false]);
    }

    [Fact]
    public void Brackets_and_quotes_delimit_fields()
    {
        Run("[a, b = \"x y\", c]", "1 \"x y\" 3", "1 x y 3").ShouldBe([true, false]);
        Run("[a, b = \"x y\", c]", "1 [x y] 3").ShouldBe([true]);
        Run("[a, b = \"[x\", c]", "1 [x 3").ShouldBe([true]); // no closing bracket: an ordinary character
        Run("[a, b, c]", "\"x\"y z").ShouldBe([true]); // the closing quote ends the field
    }

    [Fact]
    public void Many_fields_fall_back_to_a_pooled_buffer()
    {
        var line = string.Join(' ', Enumerable.Range(0, 500)) + " END";
        Run("[..., x = 499, y = END]", line).ShouldBe([true]);
        Run("[a = 0, ..., x = 498, y]", line).ShouldBe([true]);
        Run("[a = 0, b = 1, rest = \"2 3*\"]", line).ShouldBe([true]);
    }

    [Fact]
    public void Required_substrings_come_from_text_equality_only()
    {
        FilterPattern.Parse("[w1=ERROR, w2]").RequiredSubstrings.ShouldBe(["ERROR"]);
        FilterPattern.Parse("[..., request =*.html*, status_code = 4*, bytes]").RequiredSubstrings.ShouldBe([".html", "4"]);
        FilterPattern.Parse("[w1=ERROR || w1=WARNING, w2]").RequiredSubstrings.ShouldBeEmpty();
        FilterPattern.Parse("[w1!=ERROR, w2 = 404, w3 = %x%]").RequiredSubstrings.ShouldBeEmpty();
        FilterPattern.Parse("[w1=a* && w1=*b, w2]").RequiredSubstrings.ShouldBe(["a", "b"]);
    }
}
