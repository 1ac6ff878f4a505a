using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Codecs.RestJson;

/// <summary>
/// Matches restJson1 requests to operations by HTTP method and the model's path template
/// ("/v1/schedules/{Name}", greedy "{Key+}"). Built once per service; thread-safe for reads.
/// </summary>
public sealed class RestJsonRouter
{
    private readonly List<Route> _routes = [];

    public RestJsonRouter(ServiceModel service)
    {
        foreach (var op in service.Operations.Values)
        {
            var uri = op.RequestUri;
            var q = uri.IndexOf('?', StringComparison.Ordinal);
            var path = q >= 0 ? uri[..q] : uri;
            _routes.Add(new Route(op, op.HttpMethod, path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries)));
        }
        // Literal segments beat labels: the most specific template wins, as in Smithy routing.
        _routes.Sort(static (a, b) => b.LiteralCount.CompareTo(a.LiteralCount));
    }

    public bool TryMatch(string method, string rawPath, out Operation? operation, out Dictionary<string, string>? labels)
    {
        var segments = rawPath.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (var r in _routes)
        {
            if (!string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            if (r.TryMatch(segments, out labels))
            {
                operation = r.Operation;
                return true;
            }
        }
        operation = null;
        labels = null;
        return false;
    }

    private sealed class Route(Operation operation, string method, string[] template)
    {
        public Operation Operation { get; } = operation;
        public string Method { get; } = method;
        public int LiteralCount { get; } = template.Count(static s => !s.StartsWith('{'));

        public bool TryMatch(string[] segments, out Dictionary<string, string>? labels)
        {
            labels = null;
            var i = 0;
            for (var t = 0; t < template.Length; t++)
            {
                var seg = template[t];
                if (seg.StartsWith('{') && seg.EndsWith("+}", StringComparison.Ordinal))
                {
                    if (i >= segments.Length)
                    {
                        return false;
                    }
                    labels ??= new Dictionary<string, string>(StringComparer.Ordinal);
                    labels[seg[1..^2]] = Uri.UnescapeDataString(string.Join('/', segments[i..]));
                    i = segments.Length;
                    continue;
                }
                if (i >= segments.Length)
                {
                    return false;
                }
                if (seg.StartsWith('{'))
                {
                    labels ??= new Dictionary<string, string>(StringComparer.Ordinal);
                    labels[seg[1..^1]] = Uri.UnescapeDataString(segments[i]);
                }
                else if (!string.Equals(seg, segments[i], StringComparison.Ordinal))
                {
                    return false;
                }
                i++;
            }
            return i == segments.Length;
        }
    }
}
