using Vigil.Logs.Engine;
using Vigil.Logs.Insights;
using Vigil.Logs.Insights.Execution;

namespace Vigil.Logs.Api.Insights;

/// <summary>
/// Feeds one worker's events into one Insights accumulator. For a query that can stop early (its first blocking step
/// is <c>limit N</c>, so every matching event is a candidate row) it keeps the timestamps of the newest N matches in
/// a min-heap: once N are held, an event older than the heap's least cannot be among the newest N, which is the
/// <see cref="StopBelow"/> the engine uses. With <see cref="PartialResults"/> it hands its accumulator over after a
/// source once an interval has passed, and starts a fresh one. Not thread-safe; one per scan worker.
/// </summary>
internal sealed class AccumulatorSink(InsightsQuery query, string[] logNames, bool comparison = false, PartialResults? partial = null) : ILogQuerySink
{
    private readonly int _keep = query.Hints.StopAfterRows ?? 0;
    private readonly PriorityQueue<long, long>? _newest = query.Hints.StopAfterRows is { } n ? new PriorityQueue<long, long>(n + 1) : null;

    private long _lastHandover = partial?.Clock.GetTimestamp() ?? 0;

    public QueryAccumulator Accumulator { get; private set; } = comparison ? query.CreateComparisonAccumulator() : query.CreateAccumulator();

    public long StopBelow { get; private set; } = long.MinValue;

    public void BeginSource(LogSourceMemo? memo) => Accumulator.BeginSource(memo);

    public bool TryAddAll(LogSourceMemo memo, long minTimestamp, long maxTimestamp, long messageBytes) =>
        _newest is null && Accumulator.TryAddChunk(memo, minTimestamp, maxTimestamp, messageBytes);

    public void Add(int group, string stream, long timestamp, long ingestionTime, long seq, int index, ReadOnlyMemory<byte> message)
    {
        if (_newest is null)
        {
            Accumulator.Add(logNames[group], stream, timestamp, ingestionTime, seq, index, message);
            return;
        }

        var matched = Accumulator.Statistics.RecordsMatched;
        Accumulator.Add(logNames[group], stream, timestamp, ingestionTime, seq, index, message);
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

    public void SourceDone()
    {
        Accumulator.EndSource();
        if (partial is null || partial.Clock.GetElapsedTime(_lastHandover) < partial.Interval)
        {
            return;
        }

        partial.Absorb(Accumulator);
        Accumulator = comparison ? query.CreateComparisonAccumulator() : query.CreateAccumulator();
        _lastHandover = partial.Clock.GetTimestamp();
    }
}
