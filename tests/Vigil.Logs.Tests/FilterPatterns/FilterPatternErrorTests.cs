using Vigil.Logs.FilterPatterns;

namespace Vigil.Logs.Tests.FilterPatterns;

/// <summary>Patterns AWS rejects (or that cannot mean anything): the error names the problem and its position.</summary>
public sealed class FilterPatternErrorTests
{
    [Theory]
    // unstructured
    [InlineData("ERROR \"unterminated", 6, "unterminated quoted string")]
    [InlineData("ERROR ?", 7, "expected a term after '?'")]
    [InlineData("ERROR - x", 7, "expected a term after '-'")]
    [InlineData("ab\"cd\"", 2, "quote the whole term")]
    [InlineData("\"ab\"cd", 4, "expected whitespace after a quoted phrase")]
    // JSON
    [InlineData("{ $.a = 1", 9, "expected '&&', '||' or '}'")]
    [InlineData("{ }", 2, "expected a property selector")]
    [InlineData("{", 1, "expected a condition but the pattern ended")]
    [InlineData("{ a = 1 }", 2, "expected a property selector starting with '$'")]
    [InlineData("{ $ = 1 }", 2, "needs a property after '$'")]
    [InlineData("{ $. = 1 }", 4, "expected a property name")]
    [InlineData("{ $.a[x] = 1 }", 6, "expected an array index")]
    [InlineData("{ $.a[1 = 1 }", 7, "expected ']'")]
    [InlineData("{ $.a 1 }", 6, "expected an operator")]
    [InlineData("{ $.a = }", 8, "expected a value after the operator")]
    [InlineData("{ $.a > \"x\" }", 8, "need a number")]
    [InlineData("{ $.a < abc }", 8, "need a number")]
    [InlineData("{ $.a >= %x% }", 9, "need a number")]
    [InlineData("{ $.a IS NOT NULL }", 12, "IS NOT is not supported")]
    [InlineData("{ $.a IS MAYBE }", 9, "expected NULL, TRUE or FALSE")]
    [InlineData("{ $.a EXISTS }", 6, "EXISTS is not supported")]
    [InlineData("{ $.a NOT THERE }", 10, "expected EXISTS after NOT")]
    [InlineData("{ ($.a = 1 }", 11, "expected ')'")]
    [InlineData("{ $.a = 1 } x", 12, "unexpected text after the end")]
    [InlineData("{ $.a[*].b[*] = 1 }", 10, "only one wildcard")]
    [InlineData("{ $.a[*] = 1 && $.b[*] = 1 && $.c[*] = 1 && $.d[*] = 1 }", 0, "at most 3 wildcard")]
    [InlineData("{ $.a = x\"y }", 9, "quote the whole value")]
    // space-delimited
    [InlineData("[]", 1, "expected a field name or '...'")]
    [InlineData("[a,]", 3, "expected a field name or '...'")]
    [InlineData("[a", 2, "expected ']' but the pattern ended")]
    [InlineData("[a b]", 3, "expected ',', ']' or an operator")]
    [InlineData("[a = 1 || b = 2]", 10, "must name 'a'")]
    [InlineData("[a = ]", 5, "expected a value after the operator")]
    [InlineData("[a > x]", 5, "need a number")]
    [InlineData("[a] b", 4, "unexpected text after the end")]
    // regex
    [InlineData("%abc", 0, "regex without a closing '%'")]
    [InlineData("%%", 1, "empty regex")]
    [InlineData("%(a)%", 1, "parentheses are not supported")]
    [InlineData("%something!%", 10, "'!' is not supported in a regex")]
    [InlineData("%café%", 4, "multi-byte characters are not supported")]
    [InlineData("%*a%", 1, "'*' has nothing to repeat")]
    [InlineData("%a**%", 3, "'*' has nothing to repeat")]
    [InlineData("%a+?%", 3, "'?' has nothing to repeat")]
    [InlineData("%a{2%", 2, "'{' without '}'")]
    [InlineData("%a{x}%", 2, "invalid repetition")]
    [InlineData("%a{3,1}%", 2, "invalid repetition")]
    [InlineData("%a}%", 2, "unmatched '}'")]
    [InlineData("%a]%", 2, "unmatched ']'")]
    [InlineData("%[abc%", 1, "'[' without ']'")]
    [InlineData("%\\1%", 1, "'\\1' is not supported")]
    [InlineData("%\\b%", 1, "'\\b' is not supported")]
    [InlineData("%\\xZ1%", 1, "needs two hex digits")]
    [InlineData("%a\\%", 2, "'\\' at the end")]
    [InlineData("%a% b", 4, "unexpected text after the end")]
    [InlineData("[a = %x%, b = %y%, c = %z%]", 23, "at most 2 regexes")]
    [InlineData("{ $.a = %x% || $.b = %y% || $.c = %z% }", 34, "at most 2 regexes")]
    public void Malformed_patterns_say_what_and_where(string pattern, int position, string reason)
    {
        var error = Should.Throw<FilterPatternException>(() => FilterPattern.Parse(pattern));
        error.Message.ShouldContain(reason);
        error.Position.ShouldBe(position);
        error.Message.ShouldEndWith($"at position {position}");
    }

    [Fact]
    public void Patterns_longer_than_1024_characters_are_refused()
    {
        FilterPattern.Parse(new string('a', 1024)).Matches(new string('a', 1024)).ShouldBeTrue();
        var error = Should.Throw<FilterPatternException>(() => FilterPattern.Parse(new string('a', 1025)));
        error.Position.ShouldBe(1024);
        error.Message.ShouldContain("at most 1024 characters");
    }

    [Fact]
    public void Parentheses_nest_at_most_100_deep()
    {
        FilterPattern.Parse("{ " + new string('(', 100) + "$.a = 1" + new string(')', 100) + " }").Matches("""{"a":1}""").ShouldBeTrue();
        var error = Should.Throw<FilterPatternException>(() => FilterPattern.Parse("{ " + new string('(', 101) + "$.a = 1" + new string(')', 101) + " }"));
        error.Position.ShouldBe(102);
        error.Message.ShouldContain("nested deeper than 100");
    }
}
