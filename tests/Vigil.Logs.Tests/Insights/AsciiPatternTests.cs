using System.Text;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Logs.Insights.Execution;

namespace Vigil.Logs.Tests.Insights;

/// <summary><see cref="AsciiPattern"/> must answer exactly as .NET's regex does (match, position, every group) for
/// every pattern it accepts, and accept the common extraction shapes.</summary>
public sealed class AsciiPatternTests
{
    private static readonly string[] Atoms = ["a", "b", "=", ":", "\"", "[ab]", "[^a]", "[A-Z]", @"\d", @"\w", @"\s", ".", "[=\":]+", "x", @"\.", "[a-c]", @"\W", "[^ ]", "[]a]", "[a-]", @"[\d_]", " ", @"\/"];
    private static readonly string[] Quantifiers = ["", "", "*", "+", "?", "{2}", "{1,3}", "{2,}", "{0}"];

    private static Gen<string> Sequence(int depth) =>
        Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(Item(depth), n)).Select(items => string.Concat(items));

    private static Gen<string> Item(int depth)
    {
        var atom = from a in Gen.Elements(Atoms) from q in Gen.Elements(Quantifiers) select a.EndsWith('+') ? a : a + q;
        if (depth == 0)
        {
            return atom;
        }

        var group = from open in Gen.Elements("(", "(?:", "(?<N>") from inner in Sequence(depth - 1) select open + inner + ")";
        return Gen.Frequency((3, atom), (1, group));
    }

    /// <summary>Gives each "(?&lt;N&gt;" a distinct name.</summary>
    private static string Name(string pattern)
    {
        var n = 0;
        return Regex.Replace(pattern, "<N>", _ => $"<g{++n}>");
    }

    private static string Describe(Match m) =>
        !m.Success ? "no match" : string.Join(" ", m.Groups.Cast<Group>().Select(g => $"{g.Name}:{(g.Success ? $"{g.Index}+{g.Length}" : "-")}"));

    private static string Describe(AsciiPattern p, AsciiMatch outcome, ReadOnlySpan<int> bounds, Regex regex)
    {
        if (outcome != AsciiMatch.Match)
        {
            return "no match";
        }

        var parts = new List<string>();
        for (var g = 0; g < p.GroupCount; g++)
        {
            var (start, length) = p.Group(bounds, g);
            parts.Add($"{regex.GroupNameFromNumber(g)}:{start}+{length}");
        }

        return string.Join(" ", parts);
    }

    [Fact]
    public void Every_accepted_pattern_matches_exactly_as_dotnet_does()
    {
        var texts = Gen.Choose(0, 16).SelectMany(n => Gen.ArrayOf(Gen.Elements('a', 'b', 'c', 'x', ' ', '1', '=', ':', '"', 'A', 'Z', '.', '_', '/', '\n', ']', '-'), n)).Select(c => new string(c));
        var cases = from p in Sequence(2).Select(Name) from ts in Gen.ArrayOf(texts, 12) select (p, ts);
        int accepted = 0, decided = 0, matched = 0;
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(3000), Prop.ForAll(Arb.From(cases), c =>
        {
            var regex = new Regex(c.p, RegexOptions.CultureInvariant);
            if (AsciiPattern.TryCreate(c.p, regex) is not { } pattern)
            {
                return true;
            }

            accepted++;
            var bounds = new int[pattern.Boundaries];
            foreach (var t in c.ts)
            {
                var outcome = pattern.Match(Encoding.ASCII.GetBytes(t), bounds);
                if (outcome == AsciiMatch.Undecided)
                {
                    continue;
                }

                decided++;
                matched += outcome == AsciiMatch.Match ? 1 : 0;
                Describe(pattern, outcome, bounds, regex).ShouldBe(Describe(regex.Match(t)), $"/{c.p}/ on \"{t}\"");
            }

            return true;
        }));

        // Not vacuous: a good share of random patterns qualify, and most lines are decided both ways.
        accepted.ShouldBeGreaterThan(600);
        decided.ShouldBeGreaterThan(accepted * 8);
        matched.ShouldBeGreaterThan(decided / 10);
        matched.ShouldBeLessThan(decided * 9 / 10);
    }

    [Theory]
    [InlineData("""level[=":]+(?<level>[A-Z]+)""")]
    [InlineData(@"status=(?<status>\d{3}) (?<rest>[^ ]*)")]
    [InlineData(@"(?<user>\w+)@(?<host>[a-z.]+)")]
    [InlineData(@"user=(\S+)\s+took=(?<ms>\d+)ms")]
    public void Common_extraction_patterns_are_accepted(string pattern) =>
        AsciiPattern.TryCreate(pattern, new Regex(pattern, RegexOptions.CultureInvariant)).ShouldNotBeNull();

    [Theory]
    [InlineData("a*a")] // a greedy run overlapping what follows may have to give back
    [InlineData(".*x")]
    [InlineData("(ab)+")] // quantified group
    [InlineData("a|b")]
    [InlineData("^a")]
    [InlineData(@"\bword")]
    [InlineData("a+?b")] // lazy
    [InlineData("(?i)abc")]
    [InlineData(@"(?<n>\d+)\k<n>")]
    [InlineData("(?<=a)b")]
    [InlineData("[a-z-[aeiou]]")]
    [InlineData("é+")]
    public void Shapes_it_cannot_decide_exactly_are_refused(string pattern) =>
        AsciiPattern.TryCreate(pattern, new Regex(pattern, RegexOptions.CultureInvariant)).ShouldBeNull();

    [Fact]
    public void Lines_with_non_ascii_bytes_are_left_to_dotnet()
    {
        const string pattern = """level[=":]+(?<level>[A-Z]+)""";
        var ascii = AsciiPattern.TryCreate(pattern, new Regex(pattern))!;
        var bounds = new int[ascii.Boundaries];
        ascii.Match(Encoding.UTF8.GetBytes("caf\u00e9 level=INFO"), bounds).ShouldBe(AsciiMatch.Undecided);
        ascii.Match("ts=1 level=WARN msg=x"u8, bounds).ShouldBe(AsciiMatch.Match);
        ascii.Group(bounds, 1).ShouldBe((11, 4));
    }

    [Fact]
    public void A_line_that_would_take_quadratic_time_is_left_to_dotnet()
    {
        // Every 'a' starts an attempt that runs to the end of the line and then fails for want of an 'X'.
        const string pattern = "a[a-z]+X";
        var ascii = AsciiPattern.TryCreate(pattern, new Regex(pattern))!;
        var bounds = new int[ascii.Boundaries];
        ascii.Match(Encoding.ASCII.GetBytes(new string('a', 10_000)), bounds).ShouldBe(AsciiMatch.Undecided);
        ascii.Match(Encoding.ASCII.GetBytes(new string('a', 10) + "X"), bounds).ShouldBe(AsciiMatch.Match);
    }
}
