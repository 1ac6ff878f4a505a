using Vigil.Logs.FilterPatterns;

namespace Vigil.Logs.Tests.FilterPatterns;

/// <summary>Standalone <c>%regex%</c> patterns and the subset of regex AWS supports.</summary>
public sealed class RegexPatternTests
{
    private static bool Run(string pattern, string message) => FilterPattern.Parse(pattern).Matches(message);

    [Theory]
    [InlineData("%AUTHORIZED%", "[ERROR 401] UNAUTHORIZED REQUEST", true)]
    [InlineData("%AUTHORIZED%", "[SUCCESS 200] AUTHORIZED REQUEST", true)]
    [InlineData("%^[hc]at%", "hat trick", true)]
    [InlineData("%^[hc]at%", "that", false)]
    [InlineData("%[hc]at$%", "the cat", true)]
    [InlineData("%[hc]at$%", "the cat\n", false)]
    [InlineData("%colou?r%", "color", true)]
    [InlineData("%colou?r%", "colour", true)]
    [InlineData("%a{3,5}%", "xaax", false)]
    [InlineData("%a{3,5}%", "xaaax", true)]
    [InlineData("%^a{,2}b%", "aab", true)]
    [InlineData("%^a{,2}b%", "aaab", false)]
    [InlineData("%^a{2,}b%", "aaab", true)]
    [InlineData("%^a{ 1 , 2 }b$%", "ab", true)]
    [InlineData("%gra|ey%", "gray", true)]
    [InlineData("%^starting|^initializing|^shutting down%", "shutting down now", true)]
    [InlineData("%^starting|^initializing|^shutting down%", "skipping initializing", false)]
    [InlineData("%abcc|ab[^c]$%", "aba", true)]
    [InlineData("%abcc|ab[^c]$%", "aac", false)]
    [InlineData("%\\[.\\]%", "[a]", true)]
    [InlineData("%\\[.\\]%", "[]]", true)]
    [InlineData("%ab*c%", "ac", true)]
    [InlineData("%ab+c%", "ac", false)]
    [InlineData("%.at%", " at", true)]
    [InlineData("%10\\.10\\.0\\.1%", "10010,051", false)]
    [InlineData("%10.10.0.1%", "10010,051", true)]
    [InlineData("%\\d\\D%", "1a", true)]
    [InlineData("%^\\d+$%", "١٢٣", false)] // Arabic-Indic digits are not AWS's 0-9
    [InlineData("%\\s\\S%", "\tx", true)]
    [InlineData("%^\\w+$%", "a_Z9", true)]
    [InlineData("%\\W%", "abc", false)]
    [InlineData("%[\\d\\s]x%", " x", true)]
    [InlineData("%[\\D]%", "1", false)]
    [InlineData("%\\x3A%", "a:b", true)]
    [InlineData("%\\x28%", "f(x)", true)]
    [InlineData("%a.b%", "a\nb", true)]
    [InlineData("%[a-c-]%", "-", true)]
    [InlineData("%[]a]%", "]", true)]
    [InlineData("%user=@#;,/:_-%", "user=@#;,/:_-", true)]
    public void Aws_regex_examples(string pattern, string message, bool expected) => Run(pattern, message).ShouldBe(expected);

    [Fact]
    public void Regexes_promise_no_substrings() => FilterPattern.Parse("%ERROR%").RequiredSubstrings.ShouldBeEmpty();

    [Fact]
    public void A_slow_regex_on_a_long_line_gives_up_as_no_match()
    {
        var pattern = FilterPattern.Parse("%a*a*a*a*a*a*a*a*a*b%");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        pattern.Matches(new string('a', 200_000)).ShouldBeFalse();
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
    }
}
