using System.Text.RegularExpressions;
using Vigil.Logs.Insights.Execution;
using Vigil.Logs.Insights.Functions;
using Vigil.Logs.Insights.Syntax;

namespace Vigil.Logs.Insights.Plan;

/// <summary>One step of the logical plan, in query order. Nodes hold compiled evaluators and are immutable, so one
/// plan serves every thread; per-execution state lives in the collectors and the finishing stage.</summary>
internal abstract record PlanNode(SourceSpan Span)
{
    /// <summary>Rows pass through one at a time (no state, no reordering): these run inside each partial scan.</summary>
    public virtual bool IsStreaming => false;
}

internal sealed record FilterNode(Evaluator Condition, SourceSpan Span) : PlanNode(Span)
{
    public override bool IsStreaming => true;
}

/// <summary><c>fields</c>: each item is evaluated in turn, so a later item can use an earlier alias.</summary>
internal sealed record ProjectNode(IReadOnlyList<(string Name, Evaluator Value)> Items, SourceSpan Span) : PlanNode(Span)
{
    public override bool IsStreaming => true;
}

/// <summary><c>parse</c>: each (name, group number) pair takes that capture; no match changes nothing.</summary>
internal sealed record ParseNode(Evaluator Source, QueryRegex Pattern, (string Name, int Group)[] Captures, SourceSpan Span) : PlanNode(Span)
{
    public override bool IsStreaming => true;

    /// <summary>Under which names a cached chunk keeps whether each event's message matched (FieldMemo)…</summary>
    public string MatchedKey { get; } = $"\u0001parse\u0001{Pattern}\u0001{Pattern.Options}";

    /// <summary>…and each capture's value (same order as <see cref="Captures"/>).</summary>
    public string[] CaptureKeys { get; } = [.. Captures.Select(c => $"\u0001parse\u0001{Pattern}\u0001{Pattern.Options}\u0001{c.Group}")];
}

/// <summary><c>display</c> and <c>unmask</c>: nothing to do per row (display only picks the output columns).</summary>
internal sealed record PassNode(SourceSpan Span) : PlanNode(Span)
{
    public override bool IsStreaming => true;
}

/// <summary>One aggregate call of a stats command: a factory for its per-group state, and its argument (none for
/// <c>count(*)</c>).</summary>
internal sealed record AggregateSlot(string Function, Func<Aggregator> Create, Evaluator? Argument = null);

internal sealed record StatsNode(
    IReadOnlyList<AggregateSlot> Slots,
    IReadOnlyList<(string Name, Evaluator Value)> GroupBy,
    IReadOnlyList<(string Name, Evaluator Value)> Outputs,
    SourceSpan Span) : PlanNode(Span);

internal sealed record SortNode(IReadOnlyList<(Evaluator Key, bool Descending)> Keys, SourceSpan Span) : PlanNode(Span);

/// <summary><c>limit</c>; <see cref="Implicit"/> for the default 1,000 rows the planner adds.</summary>
internal sealed record LimitNode(int Count, bool Implicit, SourceSpan Span) : PlanNode(Span);

internal sealed record DedupNode(IReadOnlyList<string> Fields, SourceSpan Span) : PlanNode(Span);
