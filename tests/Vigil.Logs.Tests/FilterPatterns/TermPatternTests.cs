using Vigil.Logs.FilterPatterns;

namespace Vigil.Logs.Tests.FilterPatterns;

/// <summary>Unstructured patterns, with the examples of AWS's "Filter pattern syntax" page.</summary>
public sealed class TermPatternTests
{
    private static readonly string[] AwsMessages =
    [
        "[ERROR 400] BAD REQUEST",
        "[ERROR 401] UNAUTHORIZED REQUEST",
        "[ERROR 419] MISSING ARGUMENTS",
        "[ERROR 420] INVALID ARGUMENTS",
    ];

    private static bool[] Run(string pattern, params string[] messages) => PatternRun.Over(pattern, messages);

    [Fact]
    public void Single_term_matches_every_message_with_the_word() =>
        Run("ERROR", AwsMessages).ShouldBe([true, true, true, true]);

    [Fact]
    public void Several_terms_must_all_occur() =>
        Run("ERROR ARGUMENTS", AwsMessages).ShouldBe([false, false, true, true]);

    [Fact]
    public void Question_mark_terms_match_any_of_them()
    {
        Run("?ERROR ?ARGUMENTS", AwsMessages).ShouldBe([true, true, true, true]);
        Run("?BAD ?MISSING", AwsMessages).ShouldBe([true, false, true, false]);
        Run("?WARN ?FATAL", AwsMessages).ShouldBe([false, false, false, false]);
    }

    [Fact]
    public void Question_mark_terms_beside_other_terms_are_ignored_as_aws_documents()
    {
        Run("?ERROR ?ARGUMENTS REQUEST", "[INFO] REQUEST FAILED", "[WARN] UNAUTHORIZED REQUEST", "[ERROR] 400 BAD REQUEST", "ERROR ARGUMENTS")
            .ShouldBe([true, true, true, false]);
        Run("?ERROR -REQUEST", "[INFO] fine", "[ERROR] BAD REQUEST").ShouldBe([true, false]);
    }

    [Fact]
    public void Exact_phrase_in_quotes() =>
        Run("\"INTERNAL SERVER ERROR\"", "[ERROR 500] INTERNAL SERVER ERROR", "[ERROR 500] INTERNAL ERROR SERVER")
            .ShouldBe([true, false]);

    [Fact]
    public void Minus_excludes_a_term() =>
        Run("ERROR -ARGUMENTS", AwsMessages).ShouldBe([true, true, false, false]);

    [Fact]
    public void Quoted_space_matches_everything_as_aws_documents()
    {
        Run("\" \"", "x", "", "a b").ShouldBe([true, true, true]);
        FilterPattern.Parse("\" \"").RequiredSubstrings.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Empty_pattern_matches_everything(string? pattern)
    {
        var compiled = FilterPattern.Parse(pattern);
        compiled.Matches("anything").ShouldBeTrue();
        compiled.Matches("").ShouldBeTrue();
        compiled.RequiredSubstrings.ShouldBeEmpty();
    }

    [Fact]
    public void Match_all_is_the_empty_pattern()
    {
        FilterPattern.MatchAll.Text.ShouldBe("");
        FilterPattern.MatchAll.Matches("x").ShouldBeTrue();
        FilterPattern.Parse("").ShouldBeSameAs(FilterPattern.MatchAll);
    }

    [Fact]
    public void Terms_are_case_sensitive_substrings()
    {
        Run("ERROR", "error", "Error", "ERRORS", "MYERROR:").ShouldBe([false, false, true, true]);
        Run("AUTHORIZED", "[SUCCESS 200] AUTHORIZED REQUEST", "[ERROR 401] UNAUTHORIZED REQUEST").ShouldBe([true, true]);
    }

    [Fact]
    public void Quoted_phrases_keep_escaped_quotes_and_backslashes()
    {
        Run("\"say \\\"hi\\\"\"", "they say \"hi\" now", "they say hi now").ShouldBe([true, false]);
        Run("\"C:\\\\temp\"", @"path C:\temp ok", "C:temp").ShouldBe([true, false]);
        Run("\"a\\nb\"", @"x a\nb y").ShouldBe([true]); // an unknown escape stays as written
    }

    [Fact]
    public void Prefixes_apply_to_quoted_phrases()
    {
        Run("ERROR -\"Warm Up\"", "ERROR Warm Up done", "ERROR real").ShouldBe([false, true]);
        Run("?\"disk full\" ?\"out of memory\"", "the disk full", "out of memory!", "disk is full").ShouldBe([true, true, false]);
    }

    [Fact]
    public void Non_alphanumeric_terms_are_accepted_unquoted() =>
        Run("user@example.com status=500", "login user@example.com status=500", "user@example.com status=200").ShouldBe([true, false]);

    [Fact]
    public void Only_exclusions_match_messages_without_them() =>
        Run("-DEBUG -TRACE", "INFO x", "DEBUG y", "a TRACE").ShouldBe([true, false, false]);

    [Fact]
    public void Required_substrings_are_the_plain_terms()
    {
        FilterPattern.Parse("ERROR \"payment declined\" -x").RequiredSubstrings.ShouldBe(["ERROR", "payment declined"]);
        FilterPattern.Parse("?A ?B").RequiredSubstrings.ShouldBeEmpty();
        FilterPattern.Parse("-A").RequiredSubstrings.ShouldBeEmpty();
        FilterPattern.Parse("A A").RequiredSubstrings.ShouldBe(["A"]);
    }

    [Fact]
    public void Text_is_kept_as_given() => FilterPattern.Parse("  ERROR ").Text.ShouldBe("  ERROR ");
}
