using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Logs.Engine.Encoding;

namespace Vigil.Logs.Tests.Engine;

/// <summary>
/// Field names are collected while a block is sealed: no message, however broken, may make that throw, and the list
/// may hold more names than the reader finds (a skipping hint stays safe), never fewer.
/// </summary>
public sealed class JsonFieldNamesTests
{
    [Fact]
    public void Damaged_json_never_throws() =>
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            // A valid object, then one to three bytes removed, inserted or replaced anywhere after the '{'
            // (random bytes make invalid UTF-8 in names and values, which the reader reports in its own way).
            var random = new Random(seed);
            var bytes = Encoding.UTF8.GetBytes("{\"level\":\"ERROR\",\"http\":{\"status\":503,\"path\":\"/api\"},\"tags\":[1,{\"a\":2}],\"ok\":true}").ToList();
            for (var k = random.Next(1, 4); k > 0; k--)
            {
                var at = random.Next(1, bytes.Count);
                switch (random.Next(3))
                {
                    case 0: bytes.RemoveAt(at); break;
                    case 1: bytes.Insert(at, (byte)random.Next(256)); break;
                    default: bytes[at] = (byte)random.Next(256); break;
                }
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            Should.NotThrow(() => JsonFieldNames.Collect(bytes.ToArray(), names));
            var byReader = new HashSet<string>(StringComparer.Ordinal);
            JsonFieldNames.CollectWithReader(bytes.ToArray(), byReader);
            names.IsSupersetOf(byReader).ShouldBeTrue($"{Convert.ToHexString([.. bytes])}: [{string.Join(", ", names)}] lacks some of [{string.Join(", ", byReader)}]");
        }).QuickCheckThrowOnFailure();

    [Theory]
    [InlineData("""{"a":1,"b":{"c":"x\"}","d":[1,{"e":2},"]"]},"f" : true , "g":null,"h":-1.5e3}""", "a,b.c,b.d,f,g,h")]
    [InlineData("""{"esc\u0041ped":1,"n":2}""", "escAped,n")]
    [InlineData("""{"é":1,"n":{"m":2}}""", "é,n.m")]
    [InlineData("""{"l1":{"l2":{"l3":{"l4":{"l5":{"l6":{"l7":{"l8":{"l9":{"l10":{"l11":{"l12":{"l13":{"l14":{"l15":{"x":1}}}}}}}}}}}}}}},"y":2}""",
        "l1.l2.l3.l4.l5.l6.l7.l8.l9.l10.l11.l12.l13.l14.l15.x,y")]
    [InlineData("""{"a":1}trailing""", "a")]
    [InlineData("""{"a":""", "")]
    public void Names_are_the_readers_for_plain_escaped_non_ascii_and_deep_objects(string json, string expected)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        JsonFieldNames.Collect(Encoding.UTF8.GetBytes(json), names);
        names.Order(StringComparer.Ordinal).ShouldBe(expected.Split(',', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        var byReader = new HashSet<string>(StringComparer.Ordinal);
        JsonFieldNames.CollectWithReader(Encoding.UTF8.GetBytes(json), byReader);
        names.SetEquals(byReader).ShouldBeTrue(string.Join(", ", byReader));
    }

    [Fact]
    public void A_blocks_collector_finds_exactly_the_names_of_its_messages_one_by_one() =>
        // The collector skips a message shaped like a recent one; shapes that differ only in nesting, order, how
        // names split, values or damage must not be taken for each other.
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var random = new Random(seed);
            string[] pool =
            [
                """{"a":1,"b":{"c":2}}""", """{"a":1,"b":{"c":"x","d":[1]}}""", """{"a":{"b":1},"c":2}""", """{"a":1,"b":1,"c":2}""",
                """{"ab":1,"c":2}""", """{"a":1,"bc":2}""", """{"b":{"c":2},"a":1}""", """{"a":"}","b":{"c":2}}""", """{"a\u0041":1}""",
                """{"é":1,"b":2}""", """{"a":1,"b":{"c":2""", """{"a":[{"x":1}],"b":2}""", """not json""", """{"a":1,,"b":2}""",
            ];
            var collector = new FieldNameCollector();
            var expected = new HashSet<string>(StringComparer.Ordinal);
            for (var k = random.Next(1, 40); k > 0; k--)
            {
                var json = pool[random.Next(pool.Length)].Replace("1", random.Next(1000).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
                collector.Add(Encoding.UTF8.GetBytes(json));
                JsonFieldNames.Collect(Encoding.UTF8.GetBytes(json), expected);
                collector.Names.Order(StringComparer.Ordinal).ShouldBe(expected.Order(StringComparer.Ordinal), json);
            }
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void A_name_that_is_not_utf8_ends_the_walk_quietly()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        JsonFieldNames.Collect([.. "{\"a\":1,\""u8, 0xCE, .. "\":2,\"c\":3}"u8], names);
        names.ShouldBe(["a"]);
    }
}
