using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Logs.Engine.Encoding;

namespace Vigil.Logs.Tests.Engine;

/// <summary>Field names are collected while a block is sealed: no message, however broken, may make that throw.</summary>
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
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void A_name_that_is_not_utf8_ends_the_walk_quietly()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        JsonFieldNames.Collect([.. "{\"a\":1,\""u8, 0xCE, .. "\":2,\"c\":3}"u8], names);
        names.ShouldBe(["a"]);
    }
}
