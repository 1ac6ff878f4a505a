using System.Globalization;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Logs.Insights.Execution;

namespace Vigil.Logs.Tests.Insights;

/// <summary>The one-pass UTF-8 field index agrees with a straightforward flattening of the parsed document
/// (System.Text.Json's DOM, written out here as the reference) on random JSON, escapes and repeats included.</summary>
public sealed class JsonFieldIndexTests
{
    [Fact]
    public void Agrees_with_a_dom_flattening_on_random_documents()
    {
        var interner = new Utf8Interner();
        var index = new JsonFieldIndex(interner);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(Arb.From(Document(3)), json =>
        {
            var utf8 = Encoding.UTF8.GetBytes(json);
            var expected = Reference(json);
            index.Load(utf8).ShouldBe(expected is not null, json);
            var actual = index.All().Select(f => $"{f.Key}={Show(f.Value)}").ToArray();
            actual.ShouldBe(expected ?? [], json);
            foreach (var (name, value) in expected?.Select(Split) ?? [])
            {
                Show(index.Get(name) ?? Value.Null).ShouldBe(value, json);
            }

            return true;
        }));
    }

    [Theory]
    [InlineData("""{"a":1,"a":2}""", "a=N2")]
    [InlineData("""{"@x":"y","b":{"@c":[1,{"d":true}]}}""", "@@x=Sy|b.@c.0=N1|b.@c.1.d=Strue")]
    [InlineData("""{"k\u0065y":"v\"q\\","e":1.50,"f":-0,"g":1e2}""", "key=Sv\"q\\|e=N1.50|f=N-0|g=N1e2")]
    [InlineData("""{"a":1} x""", null)]
    [InlineData("""[1,2]""", null)]
    [InlineData("""{"a":[[]],"b":{},"c":null}""", "c=-")]
    public void Examples(string json, string? expected)
    {
        var index = new JsonFieldIndex(new Utf8Interner());
        index.Load(Encoding.UTF8.GetBytes(json)).ShouldBe(expected is not null);
        string.Join('|', index.All().Select(f => $"{f.Key}={Show(f.Value)}")).ShouldBe(expected ?? "");
    }

    [Fact]
    public void Keeps_the_first_200_paths()
    {
        var json = "{" + string.Join(',', Enumerable.Range(0, 250).Select(i => $"\"f{i}\":{i}")) + "}";
        var index = new JsonFieldIndex(null);
        index.Load(Encoding.UTF8.GetBytes(json)).ShouldBeTrue();
        index.Count.ShouldBe(200);
        index.Get("f199").ShouldBe(Value.Number(199));
        index.Get("f200").ShouldBeNull();
    }

    private static (string Name, string Value) Split(string field)
    {
        var at = field.IndexOf('=', StringComparison.Ordinal);
        return (field[..at], field[(at + 1)..]);
    }

    private static string Show(Value value) => value.Kind switch
    {
        ValueKind.Null => "-",
        ValueKind.Number => "N" + value.Render(),
        _ => "S" + value.Render(),
    };

    /// <summary>Random documents: objects nest objects, arrays and scalars; keys repeat, start with @, need escapes.</summary>
    private static Gen<string> Document(int depth) =>
        from count in Gen.Choose(0, 6)
        from members in Gen.ListOf(Member(depth), count)
        select "{" + string.Join(',', members) + "}";

    private static Gen<string> Member(int depth) =>
        from key in Gen.Elements("a", "b", "@c", "d\\u0065", "é", "x.y", "a")
        from value in Any(depth)
        select $"\"{key}\":{value}";

    private static Gen<string> Any(int depth)
    {
        var scalar = Gen.OneOf(
            Gen.Elements("1", "-0", "2.50", "1e3", "123456789012345678", "0.1", "true", "false", "null"),
            Gen.Elements("\"x\"", "\"\"", "\"q\\\"t\"", "\"tab\\tnew\\n\"", "\"\\u00e9\"", "\"ERROR\""));
        if (depth == 0)
        {
            return scalar;
        }

        var array = from count in Gen.Choose(0, 3)
                    from items in Gen.ListOf(Any(depth - 1), count)
                    select "[" + string.Join(',', items) + "]";
        return Gen.Frequency([(5, scalar), (1, Document(depth - 1)), (1, array)]);
    }

    /// <summary>The rules, the slow and obvious way: parse, then walk the DOM.</summary>
    private static string[]? Reference(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var fields = new List<(string Name, string Value)>();
            Flatten(document.RootElement, "", fields);
            return [.. fields.Select(f => $"{f.Name}={f.Value}")];
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void Flatten(JsonElement element, string prefix, List<(string Name, string Value)> fields)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var name = prefix.Length == 0 ? (property.Name.StartsWith('@') ? "@" + property.Name : property.Name) : prefix + "." + property.Name;
                    Flatten(property.Value, name, fields);
                }

                return;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, prefix + "." + (i++).ToString(CultureInfo.InvariantCulture), fields);
                }

                return;
        }

        var value = element.ValueKind switch
        {
            JsonValueKind.String => "S" + element.GetString(),
            JsonValueKind.Number => "N" + element.GetRawText(),
            JsonValueKind.True => "Strue",
            JsonValueKind.False => "Sfalse",
            _ => "-",
        };
        var existing = fields.FindIndex(f => f.Name == prefix);
        if (existing >= 0)
        {
            fields[existing] = (prefix, value);
        }
        else
        {
            fields.Add((prefix, value));
        }
    }
}
