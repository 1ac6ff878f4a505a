using Vigil.Logs.Insights;
using Vigil.Logs.Insights.Execution;

namespace Vigil.Logs.Api.Insights;

/// <summary>
/// Results of a running query, as GetQueryResults shows them before Complete. Scan workers hand over their
/// accumulator (<see cref="Absorb"/>) at source boundaries, at most once per <see cref="Interval"/> each, and go on
/// with a fresh one; the merged state is finished into a snapshot under the lock (over copies of the rows, so the
/// final result is not disturbed) and passed to <see cref="Published"/>. When the scan ends, <see cref="Complete"/>
/// gives the merged accumulator for the final result. Thread-safe.
/// </summary>
internal sealed class PartialResults(InsightsQuery query, TimeSpan interval, TimeProvider clock, Action<InsightsResult> published)
{
    private readonly Lock _lock = new();
    private readonly QueryAccumulator _merged = query.CreateAccumulator();

    public TimeSpan Interval => interval;

    public TimeProvider Clock => clock;

    public void Absorb(QueryAccumulator accumulator)
    {
        lock (_lock)
        {
            _merged.Merge(accumulator);
            published(query.Snapshot(_merged));
        }
    }

    /// <summary>Folds in the workers' last accumulators; the result is for <see cref="InsightsQuery.Finish"/>.</summary>
    public QueryAccumulator Complete(IEnumerable<QueryAccumulator> rest)
    {
        lock (_lock)
        {
            foreach (var accumulator in rest)
            {
                _merged.Merge(accumulator);
            }

            return _merged;
        }
    }
}
