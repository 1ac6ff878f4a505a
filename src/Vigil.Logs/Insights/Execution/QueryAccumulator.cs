using Vigil.Logs.Insights.Plan;

namespace Vigil.Logs.Insights.Execution;

/// <summary>
/// The partial result of one scan: feed it events with <see cref="Add"/> (any order, any log groups), then merge
/// accumulators of the same query pairwise with <see cref="Merge"/> and hand the last one to
/// <see cref="InsightsQuery.Finish"/>. A parallel scan makes one accumulator per thread; an accumulator itself is
/// not thread-safe. Memory: per stats group for aggregations, at most the row bound for sort/limit queries.
/// </summary>
public sealed class QueryAccumulator
{
    private readonly QueryPlan _plan;
    private readonly StatsCollector? _stats;
    private readonly ColumnarStats? _columnar;
    private readonly RowCollector? _rows;
    private readonly PatternCollector? _patterns;
    private readonly TimeWindow _window;
    private readonly Row _scratch = Row.Scratch(new Utf8Interner());
    private long _recordsScanned;
    private long _recordsMatched;
    private long _bytesScanned;

    /// <param name="comparison">Reads the comparison window of <c>diff</c> instead of the query's.</param>
    internal QueryAccumulator(QueryPlan plan, bool comparison = false)
    {
        _plan = plan;
        _window = PatternCollector.Window(plan, comparison);
        var first = plan.Nodes[plan.FirstBlocking];
        if (first is PatternNode pattern)
        {
            _patterns = new PatternCollector(pattern, comparison);
        }
        else if (first is StatsNode stats)
        {
            _stats = new StatsCollector(stats);
            _columnar = plan.Columnar;
        }
        else
        {
            var order = first is SortNode sort ? new RowOrder(sort) : RowOrder.Newest;
            _rows = new RowCollector(order, plan.CollectorBound, (first as DedupNode)?.Fields);
        }
    }

    internal QueryPlan Plan => _plan;

    public QueryStatistics Statistics => new(_recordsMatched, _recordsScanned, _bytesScanned);

    /// <summary>True once the query's <see cref="ScanHints.StopAfterRows"/> rows are held: a scanner feeding events
    /// newest first can stop here.</summary>
    public bool IsSaturated => _plan.Hints.StopAfterRows is not null && _rows is { IsFull: true };

    public void Add(in LogEventInput e)
    {
        if (e.Timestamp < _window.StartTime || e.Timestamp > _window.EndTime)
        {
            return;
        }

        _bytesScanned += System.Text.Encoding.UTF8.GetByteCount(e.Message);
        _scratch.Load(e);
        Process();
    }

    /// <summary>One event with its message as UTF-8 (only read during the call), as a scan hands it over: nothing
    /// is decoded or allocated for an event unless the query needs it.</summary>
    public void Add(string logGroup, string logStream, long timestamp, long ingestionTime, long seq, ReadOnlySpan<byte> message)
    {
        if (timestamp < _window.StartTime || timestamp > _window.EndTime)
        {
            return;
        }

        _bytesScanned += message.Length;
        _scratch.Load(logGroup, logStream, timestamp, ingestionTime, seq, message);
        Process();
    }

    /// <summary>As above, for an event at <paramref name="index"/> of the source begun with <see cref="BeginSource"/>,
    /// whose bytes the row reads in place (so they must stay put until the call returns).</summary>
    public void Add(string logGroup, string logStream, long timestamp, long ingestionTime, long seq, int index, ReadOnlyMemory<byte> message)
    {
        if (timestamp < _window.StartTime || timestamp > _window.EndTime)
        {
            return;
        }

        _bytesScanned += message.Length;
        _scratch.Borrow(logGroup, logStream, timestamp, ingestionTime, seq, message, index);
        Process();
    }

    /// <summary>The next events (until <see cref="EndSource"/>) come from a source with this memo (null: none):
    /// fields other queries parsed there are read from it, and the fields this one parses are kept there.</summary>
    public void BeginSource(Engine.LogSourceMemo? memo) => _scratch.Memo.Begin(memo);

    public void EndSource() => _scratch.Memo.End();

    /// <summary>
    /// Takes a whole cached chunk at once from what earlier queries kept with it (<see cref="ColumnarStats"/>), when
    /// the query's shape and the kept values allow; false to be fed event by event. The caller vouches that every
    /// event is in the scan's window and of a live stream; <paramref name="messageBytes"/> is their message bytes.
    /// </summary>
    public bool TryAddChunk(Engine.LogSourceMemo memo, long minTimestamp, long maxTimestamp, long messageBytes)
    {
        if (_columnar is null || minTimestamp < _window.StartTime || maxTimestamp > _window.EndTime
            || !_columnar.TryRun(memo, _stats!, out var matched))
        {
            return false;
        }

        _recordsScanned += memo.Count;
        _recordsMatched += matched;
        _bytesScanned += messageBytes;
        return true;
    }

    private void Process()
    {
        _recordsScanned++;
        var row = _scratch;
        for (var i = 0; i < _plan.FirstBlocking; i++)
        {
            if (!StreamingSteps.Apply(_plan.Nodes[i], row))
            {
                return;
            }
        }

        _recordsMatched++;
        if (_stats is not null)
        {
            _stats.Add(row);
        }
        else if (_patterns is not null)
        {
            _patterns.Add(row);
        }
        else
        {
            _rows!.AddScratch(row);
        }
    }

    /// <summary>Folds <paramref name="other"/> into this accumulator; both must come from the same query, and
    /// <paramref name="other"/> must not be used afterwards.</summary>
    public void Merge(QueryAccumulator other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!ReferenceEquals(other._plan, _plan))
        {
            throw new ArgumentException("accumulators of different queries cannot be merged", nameof(other));
        }

        _recordsScanned += other._recordsScanned;
        _recordsMatched += other._recordsMatched;
        _bytesScanned += other._bytesScanned;
        if (_stats is not null)
        {
            _stats.Merge(other._stats!);
        }
        else if (_patterns is not null)
        {
            _patterns.Merge(other._patterns!);
        }
        else
        {
            _rows!.Merge(other._rows!);
        }
    }

    internal List<Row> Emit() => _stats?.Emit() ?? _patterns?.Emit() ?? _rows!.Emit();
}

/// <summary>AWS's query statistics: events that passed the filters, events read, and their message bytes.</summary>
public readonly record struct QueryStatistics(long RecordsMatched, long RecordsScanned, long BytesScanned);
