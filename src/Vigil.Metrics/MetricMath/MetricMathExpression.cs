using Vigil.Metrics.Model;

namespace Vigil.Metrics.MetricMath;

/// <summary>
/// A parsed CloudWatch metric math expression (the Expression field of a GetMetricData query).
/// <para>
/// Pipeline: <see cref="Parse"/> builds a syntax tree (<see cref="MathNode"/>, every node knows its column) and rejects
/// syntax errors, unknown or unsupported functions and wrong argument counts up front;
/// <see cref="MetricMathPlanner.Order"/> puts the queries of a request in dependency order;
/// <see cref="MetricMathEvaluator.Evaluate"/> computes one expression from the results of the queries before it.
/// The evaluation rules (alignment of two series, missing values, scalars, labels) are listed on
/// <see cref="MetricMathEvaluator"/>.
/// </para>
/// </summary>
public sealed class MetricMathExpression
{
    private MetricMathExpression(string text, MathNode root)
    {
        Text = text;
        Root = root;
        var ids = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Walk(root, ids, seen);
        ReferencedIds = ids;
    }

    public string Text { get; }
    public MathNode Root { get; }

    /// <summary>Ids of other queries the expression names directly, in order of first appearance.</summary>
    public IReadOnlyCollection<string> ReferencedIds { get; }

    /// <summary>True when the expression calls METRICS(): it then depends on every MetricStat query of the request.</summary>
    public bool UsesMetrics { get; private set; }

    /// <summary>True when the expression calls SEARCH().</summary>
    public bool UsesSearch { get; private set; }

    /// <summary>Parses <paramref name="text"/>; throws <see cref="MetricQueryException"/> naming the column at fault.</summary>
    public static MetricMathExpression Parse(string text) => new(text, MathParser.Parse(text));

    public override string ToString() => Text;

    private void Walk(MathNode node, List<string> ids, HashSet<string> seen)
    {
        switch (node)
        {
            case IdNode id:
                if (seen.Add(id.Id))
                {
                    ids.Add(id.Id);
                }
                break;
            case UnaryNode u:
                Walk(u.Operand, ids, seen);
                break;
            case BinaryNode b:
                Walk(b.Left, ids, seen);
                Walk(b.Right, ids, seen);
                break;
            case ArrayNode a:
                foreach (var e in a.Elements)
                {
                    Walk(e, ids, seen);
                }
                break;
            case CallNode c:
                UsesMetrics |= c.Name == "METRICS";
                UsesSearch |= c.Name == "SEARCH";
                foreach (var e in c.Arguments)
                {
                    Walk(e, ids, seen);
                }
                break;
        }
    }
}
