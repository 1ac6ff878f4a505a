using System.Net;

namespace Vigil.Protocol.Codecs.AwsQuery;

/// <summary>
/// The parameters of an awsQuery request as a tree: "MetricData.member.2.Values.member.3=3" becomes
/// MetricData → member → 2 → Values → member → 3 with value "3". Binding walks the tree by shape.
/// </summary>
public sealed class QueryNode
{
    public string? Value { get; set; }
    public Dictionary<string, QueryNode>? Children { get; private set; }

    public QueryNode? Child(string name) =>
        Children is not null && Children.TryGetValue(name, out var c) ? c : null;

    public QueryNode GetOrAdd(string name)
    {
        Children ??= new Dictionary<string, QueryNode>(StringComparer.Ordinal);
        if (!Children.TryGetValue(name, out var c))
        {
            c = new QueryNode();
            Children.Add(name, c);
        }
        return c;
    }
}

public static class QueryParameters
{
    /// <summary>Parses application/x-www-form-urlencoded text ('+' is a space, %XX escapes) into a tree.</summary>
    public static QueryNode Parse(string form, QueryNode? into = null)
    {
        var root = into ?? new QueryNode();
        foreach (var range in form.AsSpan().Split('&'))
        {
            var pair = form.AsSpan(range);
            if (pair.IsEmpty)
            {
                continue;
            }
            var eq = pair.IndexOf('=');
            Add(root, Decode(eq < 0 ? pair : pair[..eq]), Decode(eq < 0 ? [] : pair[(eq + 1)..]));
        }
        return root;
    }

    /// <summary>The same over UTF-8 bytes, as a form body arrives, without decoding the whole body to a string first.</summary>
    public static QueryNode Parse(ReadOnlySpan<byte> form, QueryNode? into = null)
    {
        var root = into ?? new QueryNode();
        foreach (var range in form.Split((byte)'&'))
        {
            var pair = form[range];
            if (pair.IsEmpty)
            {
                continue;
            }
            var eq = pair.IndexOf((byte)'=');
            Add(root, Decode(eq < 0 ? pair : pair[..eq]), Decode(eq < 0 ? [] : pair[(eq + 1)..]));
        }
        return root;
    }

    /// <summary>
    /// Action and Version of a form without building its tree: the values the last pairs named exactly so carry, as
    /// <see cref="Parse(ReadOnlySpan{byte}, QueryNode?)"/> would give them. False when any key holds an escape
    /// (it might decode to either name): the caller then parses the whole form.
    /// </summary>
    public static bool TryScanActionAndVersion(ReadOnlySpan<byte> form, out string? action, out string? version)
    {
        action = version = null;
        ReadOnlySpan<byte> a = default, v = default;
        bool hasAction = false, hasVersion = false;
        while (!form.IsEmpty)
        {
            var amp = form.IndexOf((byte)'&');
            var pair = amp < 0 ? form : form[..amp];
            form = amp < 0 ? default : form[(amp + 1)..];
            var eq = pair.IndexOf((byte)'=');
            var key = eq < 0 ? pair : pair[..eq];
            if (key.Contains((byte)'%'))
            {
                return false; // ('+' is a space: no key with one decodes to "Action" or "Version")
            }
            if (key.SequenceEqual("Action"u8))
            {
                a = eq < 0 ? default : pair[(eq + 1)..];
                hasAction = true;
            }
            else if (key.SequenceEqual("Version"u8))
            {
                v = eq < 0 ? default : pair[(eq + 1)..];
                hasVersion = true;
            }
        }
        action = hasAction ? Decode(a) : null;
        version = hasVersion ? Decode(v) : null;
        return true;
    }

    private static void Add(QueryNode root, string key, string value)
    {
        var node = root;
        foreach (var part in key.AsSpan().Split('.'))
        {
            node = node.GetOrAdd(key[part]);
        }
        node.Value = value;
    }

    private static string Decode(ReadOnlySpan<char> text) =>
        text.ContainsAny('%', '+') ? WebUtility.UrlDecode(text.ToString()) : text.ToString();

    private static string Decode(ReadOnlySpan<byte> utf8)
    {
        if (!utf8.ContainsAny((byte)'%', (byte)'+'))
        {
            return System.Text.Encoding.UTF8.GetString(utf8);
        }
        var bytes = WebUtility.UrlDecodeToBytes(utf8.ToArray(), 0, utf8.Length);
        return System.Text.Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Numbered children ("1", "2", …) in numeric order; entries with other names are ignored.</summary>
    public static List<QueryNode> Numbered(QueryNode node)
    {
        var items = new List<KeyValuePair<int, QueryNode>>();
        if (node.Children is not null)
        {
            foreach (var (k, v) in node.Children)
            {
                if (int.TryParse(k, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1)
                {
                    items.Add(new(n, v));
                }
            }
        }
        items.Sort(static (a, b) => a.Key.CompareTo(b.Key));
        var result = new List<QueryNode>(items.Count);
        foreach (var i in items)
        {
            result.Add(i.Value);
        }
        return result;
    }
}
