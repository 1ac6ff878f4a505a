using Vigil.Logs.Insights.Plan;

namespace Vigil.Logs.Insights.Execution;

/// <summary>
/// Runs the plan's nodes after the collector over the merged rows, once, on the caller's thread. Rows arrive in the
/// collector's order (sorted, stats order, or newest first), which is the order <c>dedup</c> keeps first and
/// <c>limit</c> cuts.
/// </summary>
internal static class FinishingStage
{
    public static List<Row> Run(IReadOnlyList<PlanNode> nodes, int start, List<Row> rows)
    {
        for (var i = start; i < nodes.Count; i++)
        {
            var node = nodes[i];
            switch (node)
            {
                case StatsNode stats:
                    var collector = new StatsCollector(stats);
                    rows.ForEach(collector.Add);
                    rows = collector.Emit();
                    break;
                case SortNode sort:
                    var order = new RowOrder(sort);
                    var entries = rows.Select(order.Make).ToList();
                    rows = [.. entries.OrderBy(e => e, order).Select(e => e.Row)];
                    break;
                case LimitNode limit:
                    if (rows.Count > limit.Count)
                    {
                        rows.RemoveRange(limit.Count, rows.Count - limit.Count);
                    }

                    break;
                case DedupNode dedup:
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    rows = [.. rows.Where(r => RowCollector.DedupKey(r, dedup.Fields) is not { } key || seen.Add(key))];
                    break;
                default:
                    rows = [.. rows.Where(r => StreamingSteps.Apply(node, r))];
                    break;
            }
        }

        return rows;
    }
}
