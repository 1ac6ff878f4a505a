using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Logs.Insights.Execution;

namespace Vigil.Logs.Tests.Insights;

/// <summary><see cref="QueryRegex"/> finds matches with the linear-time engine and takes groups from the backtracking
/// one: the result must be exactly what .NET's backtracking engine alone gives (match and every group).</summary>
public sealed class QueryRegexTests
{
    private static readonly string[] Patterns =
    [
        @"level[=:]+(?<level>[A-Z]+)",
        @"(?<a>a+?)(?<b>b*)c",
        @"(?<x>ab|a)(?<y>bc|c)?",
        @"(?<w>\w+)\s+(?<n>\d+)",
        @"(?<all>.*)",
        @"^(?<head>[^ ]*) (?<rest>.*)$",
        @"(?<o>(a|b)+?)(?<t>b+)",
        @"(?<e>)x",
        @"(?<q>a{2,3}?)a",
    ];

    [Fact]
    public void Matches_and_groups_equal_the_backtracking_engines()
    {
        var texts = Gen.Choose(0, 14).SelectMany(n => Gen.ArrayOf(Gen.Elements('a', 'b', 'c', 'x', ' ', '1', '=', 'L', 'E', 'V', 'l', 'e', 'v'), n)).Select(c => new string(c));
        var cases = from p in Gen.Elements(Patterns) from t in texts select (p, t);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000), Prop.ForAll(Arb.From(cases), c =>
        {
            var expected = new Regex(c.p, RegexOptions.CultureInvariant).Match(c.t);
            var regex = QueryRegex.Create(c.p, RegexOptions.CultureInvariant);
            var actual = regex.Match(c.t);
            Describe(actual).ShouldBe(Describe(expected), $"/{c.p}/ on \"{c.t}\"");
            regex.IsMatch(c.t).ShouldBe(expected.Success);
            return true;
        }));
    }

    [Fact]
    public void Long_scans_switch_to_the_compiled_engine_and_keep_the_same_groups()
    {
        var regex = QueryRegex.Create(@"level=(?<level>[A-Z]+)", RegexOptions.CultureInvariant);
        for (var i = 0; i < 25_000; i++)
        {
            var level = i % 3 == 0 ? "ERROR" : "INFO";
            regex.Match($"t={i} level={level} x").Groups["level"].Value.ShouldBe(level);
        }
    }

    [Theory]
    [InlineData(@"level[=:]+(?<level>[A-Z]+)", true)]
    [InlineData(@"(?<a>a+?)(?<b>b*)c", true)]
    [InlineData(@"(?<w>\w+)\s+(?<n>\d{1,3})", true)]
    [InlineData(@"x[|^$()*]y", true)]
    [InlineData(@"(?<o>(a|b)+?)(?<t>b+)", false)]
    [InlineData(@"(?<a>a+)+", false)]
    [InlineData(@"(?:ab)*", false)]
    [InlineData(@"a|b", false)]
    [InlineData(@"^(?<h>\w+)", false)]
    [InlineData(@"(?<h>\w+)\b", false)]
    [InlineData(@"a*b*c*d*", false)]
    [InlineData(@"(?i)abc", false)]
    [InlineData(@"a{2,x}", true)]
    public void Simple_patterns_have_no_alternation_repeated_group_anchor_or_fourth_quantifier(string pattern, bool simple) =>
        RegexShape.IsSimple(pattern).ShouldBe(simple);

    private static string Describe(Match m) =>
        m.Success ? string.Join(' ', m.Groups.Cast<Group>().Select(g => g.Success ? $"{g.Name}@{g.Index}+{g.Length}" : $"{g.Name}-")) : "none";
}
