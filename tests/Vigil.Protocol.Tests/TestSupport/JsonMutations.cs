using System.Text;

namespace Vigil.Protocol.Tests.TestSupport;

/// <summary>
/// Small edits to a valid JSON body for the fast paths' differential tests (linked into the Metrics and Logs test
/// projects): whitespace beside structural characters (same meaning), characters JSON does not count as whitespace,
/// bytes deleted, JSON's own characters inserted. A fast path must decline or agree with the generic decoder on each.
/// </summary>
internal static class JsonMutations
{
    private const string JsonCharacters = "{}[],:\"\\-+.eE0ux";

    public static string Mutate(Random rng, string body)
    {
        var chars = new StringBuilder(body);
        for (var n = rng.Next(1, 4); n > 0 && chars.Length > 1; n--)
        {
            var at = rng.Next(chars.Length);
            switch (rng.Next(8))
            {
                case 0:
                case 1:
                case 2:
                    var structural = chars.ToString().IndexOfAny(['{', '}', '[', ']', ',', ':'], at);
                    chars.Insert(structural < 0 ? chars.Length : structural + rng.Next(2), " \t\r\n"[rng.Next(4)]);
                    break;
                case 3:
                    chars.Insert(at, "\u000b\u00a0\u0000"[rng.Next(3)]);
                    break;
                case 4:
                    chars.Remove(at, 1);
                    break;
                case 5:
                    chars.Insert(at, JsonCharacters[rng.Next(JsonCharacters.Length)]);
                    break;
                default:
                    if (at + 1 < chars.Length)
                    {
                        (chars[at], chars[at + 1]) = (chars[at + 1], chars[at]);
                    }
                    break;
            }
        }
        return chars.ToString();
    }
}
