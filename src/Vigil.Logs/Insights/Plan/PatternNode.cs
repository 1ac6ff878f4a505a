using Vigil.Logs.Insights.Execution;
using Vigil.Logs.Insights.Syntax;
using Vigil.Logs.Insights.Syntax.Ast;

namespace Vigil.Logs.Insights.Plan;

/// <summary>
/// <c>pattern field</c>, with the <c>diff</c> that may follow it folded in: <see cref="Diff"/> is set when the rows
/// compare the query window with <see cref="Comparison"/>, which is null when the query window is unbounded (then
/// every previous count is 0).
/// </summary>
internal sealed record PatternNode(Evaluator Source, bool Diff, TimeWindow? Comparison, SourceSpan Span) : PlanNode(Span)
{
    private const long Day = 86_400_000;

    /// <summary>The output columns, in order: AWS's documented four, then the diff counts, then the tokens.</summary>
    public static IReadOnlyList<string> ColumnsFor(bool diff) => diff
        ? ["@pattern", "@ratio", "@sampleCount", "@severityLabel", "@previousSampleCount", "@diffEventCount", "@differenceDescription", "@tokens"]
        : ["@pattern", "@ratio", "@sampleCount", "@severityLabel", "@tokens"];

    /// <summary>The window <paramref name="period"/> names for a query over [start, end]: of equal length, and ending
    /// just before it (<see cref="DiffPeriod.Previous"/>) or starting a day, a week or a calendar month (UTC) earlier.
    /// Null when the query window is unbounded or the shift leaves the representable range.</summary>
    public static TimeWindow? ComparisonWindow(DiffPeriod period, long start, long end)
    {
        if (start == long.MinValue || end == long.MaxValue || end < start)
        {
            return null;
        }

        try
        {
            var length = checked(end - start);
            var from = period switch
            {
                DiffPeriod.PreviousDay => checked(start - Day),
                DiffPeriod.PreviousWeek => checked(start - (7 * Day)),
                DiffPeriod.PreviousMonth => DateTimeOffset.FromUnixTimeMilliseconds(start).AddMonths(-1).ToUnixTimeMilliseconds(),
                _ => checked(start - length - 1),
            };
            return new TimeWindow(from, checked(from + length));
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
