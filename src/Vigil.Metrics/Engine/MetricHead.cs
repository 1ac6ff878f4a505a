namespace Vigil.Metrics.Engine;

/// <summary>
/// The datapoints logged since the last checkpoint, per series, in memory. Mutated only under the store's lock
/// while it is the live head; once a checkpoint freezes it, it is read-only until its blocks are published.
/// </summary>
internal sealed class MetricHead
{
    private SampleBuffer?[] _series = new SampleBuffer?[1024];

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
        return _series[seriesId] ??= new SampleBuffer();
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
