using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Logs.FilterPatterns;

namespace Vigil.Logs.Tests.FilterPatterns;

/// <summary>
/// JSON patterns look for their literals before parsing a message without backslashes. That must never change an
/// answer: escaped keys and values (<c>\/</c>, <c>\u0061</c>) still match, and messages are compared with a parse of
/// the same message with its escapes spelled out another way (same JSON, different text).
/// </summary>
public sealed class JsonPrefilterTests
{
    [Theory]
    [InlineData("""{"path": "/api/payments", "status": 503}""", true)]
    [InlineData("""{"path": "\/api\/payments", "status": 503}""", true)]
    [InlineData("""{"p\u0061th": "/api/p\u0061yments", "status": 5.03e2}""", true)]
    [InlineData("""{"path": "/api/payment", "status": 503}""", false)]
    [InlineData("""{"path": "/api/payments", "status": 500, "note": "/api/payments"}""", false)]
    [InlineData("""{"status": 503, "other": "/api/payments"}""", false)]
    public void Escaped_literals_still_match_and_missing_ones_do_not(string message, bool expected) =>
        FilterPattern.Parse("""{ $.status = 503 && $.path = "/api/payments" }""").Matches(message).ShouldBe(expected);

    [Fact]
    public void Answers_are_those_of_the_same_json_written_with_escapes()
    {
        string[] patterns =
        [
            """{ $.path = "/api/payments" && $.status = 503 }""",
            """{ $.level = ERR* && $.user.name = "x y" }""",
            """{ $.level = "ERROR" || $.path = *payments }""",
            """{ $.tags[*] = "a/b" && $.status != 500 }""",
            """{ $.flag = true && $.level = WARN }""",
        ];
        var compiled = patterns.Select(FilterPattern.Parse).ToArray();
        var strings = Gen.Elements("/api/payments", "/api/orders", "ERROR", "ERRATA", "WARN", "x y", "x", "a/b", "payments", "");
        var numbers = Gen.Elements("503", "500", "5.03e2", "200");
        var documents =
            from path in strings
            from level in strings
            from name in strings
            from tag in strings
            from status in numbers
            from flag in Gen.Elements("true", "false", "\"true\"")
            select $$"""{"path": "{{path}}", "level": "{{level}}", "user": {"name": "{{name}}"}, "tags": ["{{tag}}", "z"], "status": {{status}}, "flag": {{flag}}}""";
        Prop.ForAll(Arb.From(documents), plain =>
        {
            // The same document with every string character escaped: no literal of any pattern appears in its text,
            // so the prefilter is bypassed (backslashes) and the full parse decides.
            var escaped = EscapeAll(plain);
            foreach (var pattern in compiled)
            {
                pattern.Matches(plain).ShouldBe(pattern.Matches(escaped), $"{pattern} on {plain}");
            }
        }).QuickCheckThrowOnFailure();
    }

    private static string EscapeAll(string json)
    {
        using var document = JsonDocument.Parse(json);
        var builder = new System.Text.StringBuilder();
        Write(document.RootElement, builder);
        return builder.ToString();
    }

    private static void Write(JsonElement element, System.Text.StringBuilder builder)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                builder.Append('{');
                var first = true;
                foreach (var property in element.EnumerateObject())
                {
                    builder.Append(first ? "" : ",");
                    first = false;
                    Escaped(property.Name, builder);
                    builder.Append(':');
                    Write(property.Value, builder);
                }
                builder.Append('}');
                break;
            case JsonValueKind.Array:
                builder.Append('[');
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    builder.Append(i++ == 0 ? "" : ",");
                    Write(item, builder);
                }
                builder.Append(']');
                break;
            case JsonValueKind.String:
                Escaped(element.GetString()!, builder);
                break;
            default:
                builder.Append(element.GetRawText());
                break;
        }
    }

    private static void Escaped(string text, System.Text.StringBuilder builder)
    {
        builder.Append('"');
        foreach (var c in text)
        {
            builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
        }
        builder.Append('"');
    }
}
