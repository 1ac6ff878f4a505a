namespace Vigil.Logs.Insights.Plan;

/// <summary>
/// A compiled query. <see cref="Nodes"/> run in order; those before <see cref="FirstBlocking"/> stream inside every
/// partial scan, the node at <see cref="FirstBlocking"/> is where partial results are collected and merged (stats
/// states, or the rows that can still make the result), and the rest runs once over the merged rows.
/// </summary>
internal sealed record QueryPlan(
    IReadOnlyList<PlanNode> Nodes,
    int FirstBlocking,
    int? CollectorBound,
    IReadOnlyList<string> Columns,
    bool AppendPointer,
    ScanHints Hints)
{
    /// <summary>The plan as a columnar stats run over kept columns, when its shape allows one: decided once per
    /// query, not per accumulator (a scan makes one per worker and per partial-result handover).</summary>
    public Execution.ColumnarStats? Columnar { get; } = Execution.ColumnarStats.TryCreate(Nodes, FirstBlocking);
}
