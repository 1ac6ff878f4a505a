using Vigil.Logs.Engine;
using Vigil.Logs.Insights;
using Vigil.Logs.Insights.Execution;

namespace Vigil.Logs.Api.Insights;

/// <summary>
/// Feeds one worker's events into one Insights accumulator. For a query that can stop early (its first blocking step
/// is <c>limit N</c>, so every matching event is a candidate row) it keeps the timestamps of the newest N matches in
/// a min-heap: once N are held, an event older than the heap's least cannot be among the newest N, which is the
/// <see cref="StopBelow"/> the engine uses. Not thread-safe; one per scan worker.
/// </summary>
internal sealed class AccumulatorSink(InsightsQuery query, string[] logNames, bool comparison = false) : ILogQuerySink
{
    private readonly int _keep = query.Hints.StopAfterRows ?? 0;
    private readonly PriorityQueue<long, long>? _newest = query.Hints.StopAfterRows is { } n ? new PriorityQueue<long, long>(n + 1) : null;

    public QueryAccumulator Accumulator { get; } = comparison ? query.CreateComparisonAccumulator() : query.CreateAccumulator();

    public long StopBelow { get; private set; } = long.MinValue;

    public void Add(int group, string stream, long timestamp, long ingestionTime, long seq, ReadOnlySpan<byte> message)
    {
        var text = System.Text.Encoding.UTF8.GetString(message);
        if (_newest is null)
        {
            Accumulator.Add(new LogEventInput(logNames[group], stream, timestamp, ingestionTime, seq, text));
            return;
        }

        var matched = Accumulator.Statistics.RecordsMatched;
        Accumulator.Add(new LogEventInput(logNames[group], stream, timestamp, ingestionTime, seq, text));
        if (Accumulator.Statistics.RecordsMatched == matched)
        {
            return;
        }

        _newest.Enqueue(timestamp, timestamp);
        if (_newest.Count > _keep)
        {
            _newest.Dequeue();
        }

        if (_newest.Count == _keep)
        {
            StopBelow = _newest.Peek();
        }
    }
}
