namespace Vigil.Metrics.Engine;

/// <summary>
/// The datapoints logged since the last checkpoint, per series, in memory. Mutated only under the store's lock
/// while it is the live head; once a checkpoint freezes it, it is read-only until its blocks are published.
/// </summary>
internal sealed class MetricHead
{
    private SampleBuffer?[] _series = new SampleBuffer?[1024];

    // Per series, how many datapoints the head before this one took. A series' buffer starts at that size (plus
    // an eighth) instead of growing from 8 by doubling: under a steady stream every head would otherwise allocate
    // and copy ~3× the bytes it keeps (24 h of the peers' workload: ~60 % of the server's allocations).
    private readonly int[]? _previousCounts;

    public MetricHead()
    {
    }

    /// <summary>The head that replaces <paramref name="previous"/> at a checkpoint, sized from its series.</summary>
    public MetricHead(MetricHead previous)
    {
        _series = new SampleBuffer?[previous._series.Length];
        _previousCounts = new int[previous._series.Length];
        for (var i = 0; i < _previousCounts.Length; i++)
        {
            _previousCounts[i] = previous._series[i]?.Count ?? 0;
        }
    }

    /// <summary>
    /// Taken by the checkpoint to sort a frozen head's series in place, and by queries to copy from one: a frozen
    /// head stays readable while it is sealed.
    /// </summary>
    public Lock SealLock { get; } = new();

    public long SampleCount { get; private set; }
    public long CreatedAt { get; } = Environment.TickCount64;

    /// <summary>~16 bytes a sample (timestamp and value) plus the buffers' slack.</summary>
    public long ApproximateBytes => SampleCount * 24;

    public SampleBuffer? Get(int seriesId) => seriesId < _series.Length ? _series[seriesId] : null;

    private SampleBuffer For(int seriesId)
    {
        if (seriesId >= _series.Length)
        {
            Array.Resize(ref _series, Math.Max(seriesId + 1, _series.Length * 2));
        }
        return _series[seriesId] ??= new SampleBuffer(InitialCapacity(seriesId));
    }

    private int InitialCapacity(int seriesId)
    {
        var previous = _previousCounts is not null && seriesId < _previousCounts.Length ? _previousCounts[seriesId] : 0;
        return previous == 0 ? 8 : previous + (previous >> 3) + 8;
    }

    public void Add(int seriesId, long timestamp, double value, double count)
    {
        For(seriesId).Add(timestamp, value, count);
        SampleCount++;
    }

    public void AddSet(int seriesId, in StatisticSetSample set)
    {
        For(seriesId).AddSet(set);
        SampleCount++;
    }

    /// <summary>Every non-empty series, ascending by id.</summary>
    public IEnumerable<(int Id, SampleBuffer Samples)> Series()
    {
        for (var i = 0; i < _series.Length; i++)
        {
            if (_series[i] is { IsEmpty: false } s)
            {
                yield return (i, s);
            }
        }
    }

    /// <summary>Applies decoded WAL samples.</summary>
    public struct Sink(MetricHead head) : ISampleSink
    {
        public readonly void Value(int seriesId, long timestamp, double value, double count) => head.Add(seriesId, timestamp, value, count);
        public readonly void Set(int seriesId, in StatisticSetSample set) => head.AddSet(seriesId, set);
    }
}
