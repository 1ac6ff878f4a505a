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
            var key = WebUtility.UrlDecode(eq < 0 ? pair.ToString() : pair[..eq].ToString());
            var value = eq < 0 ? "" : WebUtility.UrlDecode(pair[(eq + 1)..].ToString());
            var node = root;
            foreach (var part in key.AsSpan().Split('.'))
            {
                node = node.GetOrAdd(key[part]);
            }
            node.Value = value;
        }
        return root;
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
