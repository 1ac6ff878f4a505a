using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Logs.FilterPatterns;

namespace Vigil.Logs.Tests.FilterPatterns;

/// <summary>Random and mutated patterns: Parse either succeeds or throws <see cref="FilterPatternException"/>,
/// within a time budget, and a parsed pattern matches random messages without throwing or stalling.</summary>
public sealed class FilterPatternFuzzTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);

    private static readonly string[] Seeds =
    [
        "ERROR ARGUMENTS", "?ERROR ?WARN", "ERROR -Exiting", "\"payment declined\" -\"a \\\" b\"",
        "{ $.a.b = \"x\" }", "{ ($.user.id = 1) && ($.users[0].email = \"j*@x.com\") || $.n >= -1.5e3 }",
        "{ $.a IS NULL || $.b NOT EXISTS || $.c IS TRUE }", "{ $.arrayKey[*] = %val.{2}% }", "{ $.['cluster.name'] = c }",
        "[ip, user, ..., status = 4*, bytes > 100]", "[w1=ERROR || w1=WARN && w1!=X, w2]", "[a = %^x[0-9]+$%, ...]",
        "%^starting|^init[a-z]*\\d{1,3}$%", "%\\[.\\]\\x3A[^\\s]+%", "%a{,2}b|c{2,}%",
    ];

    private const string Alphabet = "{}[]()$.*%\"'\\?-=!<>&|, \t\nabcXYZ019eE+_:#@/;^é\u0000\uD800";

    private static readonly string[] Messages =
    [
        "", " ", "ERROR ARGUMENTS", """{"a": {"b": "x"}, "user": {"id": 1}, "users": [{"email": "j1@x.com"}], "n": 5}""",
        """{"arrayKey": ["value"], "cluster.name": "c", "a": null, "c": true}""", "127.0.0.1 u frank [x y] \"GET /\" 404 1534",
        "{", "{\"a\": [[[[[[[[[[1]]]]]]]]]]}", "starting init12", "\uD800 broken surrogate {\"a\":\"\uDC00\"}",
        new string('a', 5000), string.Join(' ', Enumerable.Repeat("w", 300)),
    ];

    [Fact]
    public void Mutated_valid_patterns_parse_or_fail_cleanly() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(1500), Prop.ForAll(Arb.From(MutatedPattern()), ParsesAndMatchesCleanly));

    [Fact]
    public void Random_strings_parse_or_fail_cleanly()
    {
        var random = Gen.Elements(Alphabet.ToCharArray()).ListOf().Select(chars => new string([.. chars]));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(1500).WithEndSize(200), Prop.ForAll(Arb.From(random), ParsesAndMatchesCleanly));
    }

    [Fact]
    public void Deep_nesting_is_an_error_not_a_stack_overflow()
    {
        foreach (var depth in new[] { 1_000, 100_000 })
        {
            Should.Throw<FilterPatternException>(() => FilterPattern.Parse("{" + new string('(', depth)));
            Should.Throw<FilterPatternException>(() => FilterPattern.Parse("[" + new string('[', depth)));
        }
    }

    /// <summary>Findings kept as named cases (STYLE §22).</summary>
    [Theory]
    [InlineData("{ $.a = 1 } ")]
    [InlineData("%[a-\\d]%")]
    [InlineData("%[z-a]%")]
    [InlineData("{ $.a[99999999999] = 1 }")]
    [InlineData("%a{99999999}%")]
    [InlineData("[a = \"x]")]
    [InlineData("\u0000")]
    public void Former_edge_cases(string pattern) => ParsesAndMatchesCleanly(pattern).ShouldBeTrue();

    private static bool ParsesAndMatchesCleanly(string pattern)
    {
        var watch = Stopwatch.StartNew();
        FilterPattern compiled;
        try
        {
            compiled = FilterPattern.Parse(pattern);
        }
        catch (FilterPatternException e)
        {
            e.Position.ShouldBeInRange(0, pattern.Length);
            watch.Elapsed.ShouldBeLessThan(Budget, $"Parse({pattern})");
            return true;
        }
        foreach (var message in Messages)
        {
            compiled.Matches(message);
        }
        _ = compiled.RequiredSubstrings;
        watch.Elapsed.ShouldBeLessThan(Budget, $"Parse+Matches({pattern})");
        return true;
    }

    private static Gen<string> MutatedPattern() =>
        from seed in Gen.Elements(Seeds)
        from edits in Gen.Choose(1, 4)
        from ops in Edit().ArrayOf(edits)
        select ops.Aggregate(seed, Mutate);

    private static Gen<(int Op, int At, char C)> Edit() =>
        from op in Gen.Choose(0, 2)
        from at in Gen.Choose(0, 1000)
        from c in Gen.Elements(Alphabet.ToCharArray())
        select (op, at, c);

    private static string Mutate(string text, (int Op, int At, char C) edit)
    {
        if (text.Length == 0)
        {
            return edit.C.ToString();
        }
        var at = edit.At % text.Length;
        return edit.Op switch
        {
            0 => text.Insert(at, edit.C.ToString()),
            1 => text.Remove(at, 1),
            _ => at + 1 < text.Length ? string.Concat(text.AsSpan(0, at), text.AsSpan(at + 1, 1), text.AsSpan(at, 1), text.AsSpan(at + 2)) : text,
        };
    }
}
