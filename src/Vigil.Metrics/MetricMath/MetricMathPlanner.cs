using Vigil.Metrics.Model;

namespace Vigil.Metrics.MetricMath;

/// <summary>Orders the queries of one GetMetricData request so every expression comes after what it reads.</summary>
public static class MetricMathPlanner
{
    /// <summary>
    /// The ids of <paramref name="queries"/> in an order where each expression follows the queries it references
    /// (MetricStat queries, whose <c>Expr</c> is null, have no dependencies). Ties keep request order. Throws
    /// <see cref="MetricQueryException"/> on duplicate ids, references to ids not in the request, and cycles.
    /// </summary>
    public static IReadOnlyList<string> Order(IReadOnlyList<(string Id, MetricMathExpression? Expr)> queries)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var index = new Dictionary<string, int>(queries.Count, StringComparer.Ordinal);
        for (var i = 0; i < queries.Count; i++)
        {
            if (!index.TryAdd(queries[i].Id, i))
            {
                throw new MetricQueryException($"The value {queries[i].Id} for parameter MetricDataQueries.member.{i + 1}.Id is not unique.");
            }
        }

        // deps[i]: indexes query i must wait for. METRICS() reads every MetricStat query of the request.
        var deps = new List<int>[queries.Count];
        for (var i = 0; i < queries.Count; i++)
        {
            deps[i] = [];
            var expr = queries[i].Expr;
            if (expr is null)
            {
                continue;
            }
            foreach (var id in expr.ReferencedIds)
            {
                if (!index.TryGetValue(id, out var j))
                {
                    throw new MetricQueryException($"Error in expression {queries[i].Id}: Unrecognized metric or expression id '{id}'.");
                }
                deps[i].Add(j);
            }
            if (expr.UsesMetrics)
            {
                for (var j = 0; j < queries.Count; j++)
                {
                    if (queries[j].Expr is null)
                    {
                        deps[i].Add(j);
                    }
                }
            }
        }

        // Depth-first in request order; state 1 = on the current path (a revisit is a cycle), 2 = placed.
        var state = new byte[queries.Count];
        var order = new List<string>(queries.Count);
        var path = new List<int>();
        for (var i = 0; i < queries.Count; i++)
        {
            Visit(i);
        }
        return order;

        void Visit(int i)
        {
            if (state[i] == 2)
            {
                return;
            }
            if (state[i] == 1)
            {
                var start = path.IndexOf(i);
                var cycle = path.Skip(start).Select(k => queries[k].Id).Append(queries[i].Id);
                throw new MetricQueryException($"Circular dependency between expressions: {string.Join(" -> ", cycle)}.");
            }
            state[i] = 1;
            path.Add(i);
            foreach (var j in deps[i])
            {
                Visit(j);
            }
            path.RemoveAt(path.Count - 1);
            state[i] = 2;
            order.Add(queries[i].Id);
        }
    }
}
