using FsCheck;
using FsCheck.Fluent;
using Vigil.Logs.FilterPatterns;

namespace Vigil.Logs.Tests.FilterPatterns;

/// <summary>Soundness of <see cref="FilterPattern.RequiredSubstrings"/>: a message that matches contains them all.
/// Messages are built from the pattern's own pieces so that a good share of them do match.</summary>
public sealed class RequiredSubstringsPropertyTests
{
    private static readonly string[] Patterns =
    [
        "ERROR",
        "ERROR ARGUMENTS",
        "ERROR \"payment declined\" -x",
        "?ERROR ?WARN",
        "?ERROR ?WARN REQUEST",
        "-DEBUG",
        "\" \" ERROR",
        "[w1=ERROR, w2]",
        "[w1=ERROR || w1=WARN, w2]",
        "[w1=ERR* && w1=*OR, ...]",
        "[ip, user, ..., status = 4*, bytes > 100]",
        "[..., request = *.html*, status = 404, bytes]",
        "[a = \"x y\", b != z, ...]",
        "[a, ..., b = %x[0-9]%, c = y*z]",
        "{ $.level = \"ERROR\" }",
        "{ $.status = 503 || $.a[*] = x* }",
        "%ERR[0-9]%",
    ];

    private static readonly string[] Pieces =
    [
        "ERROR", "WARN", "ARGUMENTS", "REQUEST", "payment declined", "payment", "declined", "x", "DEBUG", "ERR", "OR",
        "4", "404", "404.0", "100", "1534", ".html", "/index.html", "x y", "z", "y", "yz", "x1", "[", "]", "\"", " ", " ",
        "  ", "\t", "a", "{", "}", ":", ",", "\"level\"", "\"status\"", "503", "\\u0045RROR", "...",
    ];

    [Fact]
    public void Every_matching_message_contains_every_required_substring()
    {
        var compiled = Patterns.Select(FilterPattern.Parse).ToArray();
        var message = Gen.Elements(Pieces).ListOf().Select(parts => string.Concat(parts));
        var jsonish = Gen.Elements("ERROR", "WARN", "\\u0045RROR", "503", "5.03e2", "x1").Select(v => $$"""{"level": "{{v}}", "status": {{(v.StartsWith('5') ? v : "1")}}, "a": ["{{v}}"]}""");
        var property = Prop.ForAll(
            Arb.From(Gen.OneOf(message, jsonish)),
            text =>
            {
                foreach (var pattern in compiled)
                {
                    if (pattern.Matches(text))
                    {
                        foreach (var required in pattern.RequiredSubstrings)
                        {
                            if (!text.Contains(required, StringComparison.Ordinal))
                            {
                                return false;
                            }
                        }
                    }
                }
                return true;
            });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(3000), property);
    }

    [Fact]
    public void The_generated_messages_do_exercise_matches()
    {
        // Guard against a vacuous property: the piece list must let most patterns match sometimes.
        var samples = new[] { "ERROR ARGUMENTS payment declined", "ERROR 1 2", "x 4 1534", """{"level": "ERROR", "status": 503}""" };
        Patterns.Count(p => samples.Any(FilterPattern.Parse(p).Matches)).ShouldBeGreaterThan(Patterns.Length / 2);
    }
}
