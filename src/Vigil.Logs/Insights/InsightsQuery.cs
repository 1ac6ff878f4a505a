using Vigil.Logs.Insights.Execution;
using Vigil.Logs.Insights.Plan;
using Vigil.Logs.Insights.Syntax;

namespace Vigil.Logs.Insights;

/// <summary>
/// A compiled Logs Insights query: parse and plan once with <see cref="Compile"/>, then run it over any number of
/// event streams. Immutable and thread-safe.
/// <code>
/// var query = InsightsQuery.Compile(text, startTime, endTime);      // InsightsQueryException if malformed
/// var acc = query.CreateAccumulator();                             // one per scanning thread
/// foreach (var e in events) { acc.Add(e); if (acc.IsSaturated) break; }
/// acc.Merge(otherThreadsAccumulator);
/// InsightsResult result = query.Finish(acc);
/// </code>
/// </summary>
public sealed class InsightsQuery
{
    private readonly QueryPlan _plan;

    private InsightsQuery(string text, QueryPlan plan)
    {
        Text = text;
        _plan = plan;
    }

    public string Text { get; }

    /// <summary>What a scanner may skip or stop early on; see <see cref="ScanHints"/>.</summary>
    public ScanHints Hints => _plan.Hints;

    /// <summary>The output column names in order (rows omit columns that have no value).</summary>
    public IReadOnlyList<string> Columns => _plan.Columns;

    /// <summary>For <c>pattern … | diff</c>: the earlier window the query compares with. A scanner reads it into
    /// accumulators from <see cref="CreateComparisonAccumulator"/> and merges them with the others. Null for other
    /// queries, and for diff over an unbounded window (every previous count is then 0).</summary>
    public TimeWindow? ComparisonWindow => _plan.Nodes[_plan.FirstBlocking] is PatternNode { Comparison: { } window } ? window : null;

    /// <summary>True for queries whose rows come from <c>stats</c> or <c>pattern</c> (no <c>@ptr</c>).</summary>
    public bool IsAggregation => !_plan.AppendPointer;

    /// <param name="startTime">First event timestamp included, epoch milliseconds.</param>
    /// <param name="endTime">Last event timestamp included, epoch milliseconds.</param>
    public static InsightsQuery Compile(string text, long startTime = long.MinValue, long endTime = long.MaxValue)
    {
        var ast = Parser.Parse(text);
        return new InsightsQuery(text, QueryPlanner.Plan(ast, startTime, endTime));
    }

    public QueryAccumulator CreateAccumulator() => new(_plan);

    /// <summary>An accumulator for the events of <see cref="ComparisonWindow"/> (it ignores all others); merges with
    /// those of <see cref="CreateAccumulator"/>.</summary>
    public QueryAccumulator CreateComparisonAccumulator() =>
        ComparisonWindow is null ? throw new InvalidOperationException("the query has no comparison window") : new(_plan, comparison: true);

    /// <summary>Runs the rest of the query over the merged partial results: stats output, sorting, the final limit,
    /// and rendering. <paramref name="accumulator"/> is spent.</summary>
    public InsightsResult Finish(QueryAccumulator accumulator) => Complete(accumulator, copyRows: false);

    /// <summary>The result so far of an accumulator that will take more events: finished over copies of its rows,
    /// which the finishing steps may change, so the accumulator can go on as if this had not been called.</summary>
    public InsightsResult Snapshot(QueryAccumulator accumulator) => Complete(accumulator, copyRows: true);

    private InsightsResult Complete(QueryAccumulator accumulator, bool copyRows)
    {
        ArgumentNullException.ThrowIfNull(accumulator);
        if (!ReferenceEquals(accumulator.Plan, _plan))
        {
            throw new ArgumentException("the accumulator belongs to another query", nameof(accumulator));
        }

        var rows = accumulator.Emit();
        if (copyRows)
        {
            rows = [.. rows.Select(r => r.Detach())];
        }

        return Render(FinishingStage.Run(_plan.Nodes, _plan.FirstBlocking + 1, rows), accumulator.Statistics);
    }

    private InsightsResult Render(List<Row> rows, QueryStatistics statistics)
    {
        var rendered = new List<IReadOnlyList<ResultField>>(rows.Count);
        foreach (var row in rows)
        {
            var fields = new List<ResultField>(_plan.Columns.Count + 1);
            foreach (var column in _plan.Columns)
            {
                if (row.Get(column).Render() is { } text)
                {
                    fields.Add(new ResultField(column, text));
                }
            }

            if (_plan.AppendPointer && row.HasEvent && !_plan.Columns.Contains("@ptr"))
            {
                fields.Add(new ResultField("@ptr", LogRecordPointer.Encode(row.LogGroup, row.LogStream, row.Timestamp, row.Seq)));
            }

            rendered.Add(fields);
        }

        return new InsightsResult(rendered, statistics);
    }

    /// <summary>Convenience for one thread: every event through one accumulator (and, for diff, through one for the
    /// comparison window too).</summary>
    public InsightsResult Run(IEnumerable<LogEventInput> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var accumulator = CreateAccumulator();
        var comparison = ComparisonWindow is null ? null : CreateComparisonAccumulator();
        foreach (var e in events)
        {
            accumulator.Add(e);
            comparison?.Add(e);
        }

        if (comparison is not null)
        {
            accumulator.Merge(comparison);
        }

        return Finish(accumulator);
    }
}

/// <summary>One result cell as GetQueryResults returns it.</summary>
public readonly record struct ResultField(string Field, string Value);

public sealed record InsightsResult(IReadOnlyList<IReadOnlyList<ResultField>> Rows, QueryStatistics Statistics);
