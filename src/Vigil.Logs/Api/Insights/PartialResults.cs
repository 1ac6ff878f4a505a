using Vigil.Logs.Insights;
using Vigil.Logs.Insights.Execution;

namespace Vigil.Logs.Api.Insights;

/// <summary>
/// Results of a running query, as GetQueryResults shows them before Complete. Scan workers hand over their
/// accumulator (<see cref="Absorb"/>) at source boundaries, at most once per <see cref="Interval"/> each, and go on
/// with a fresh one; the merged state is finished into a snapshot under the lock (over copies of the rows, so the
/// final result is not disturbed) and passed to <c>published</c>. A snapshot costs time proportional to the rows so far
/// (all stats groups, sorted), so the next one waits at least <paramref name="costFactor"/> times as long as the last
/// took: a high-cardinality <c>stats … by</c> spends at most about a tenth of its time on snapshots. When the scan
/// ends, <see cref="Complete"/> gives the merged accumulator for the final result. Thread-safe.
/// </summary>
internal sealed class PartialResults(InsightsQuery query, TimeSpan interval, TimeProvider clock, Action<InsightsResult> published, int costFactor = 10)
{
    private readonly Lock _lock = new();
    private readonly QueryAccumulator _merged = query.CreateAccumulator();
    private long _lastSnapshot; // 0: long ago, so the first handover publishes
    private TimeSpan _snapshotEvery;

    public TimeSpan Interval => interval;

    public TimeProvider Clock => clock;

    public void Absorb(QueryAccumulator accumulator)
    {
        lock (_lock)
        {
            _merged.Merge(accumulator);
            if (clock.GetElapsedTime(_lastSnapshot) < _snapshotEvery)
            {
                return;
            }

            var started = clock.GetTimestamp();
            published(query.Snapshot(_merged));
            _lastSnapshot = clock.GetTimestamp();
            var took = clock.GetElapsedTime(started, _lastSnapshot);
            _snapshotEvery = TimeSpan.FromTicks(Math.Max(interval.Ticks, took.Ticks * costFactor));
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
