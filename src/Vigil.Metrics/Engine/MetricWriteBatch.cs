using System.Buffers.Binary;
using System.Buffers;
using Vigil.Storage.Binary;

namespace Vigil.Metrics.Engine;

/// <summary>
/// The datapoints of one PutMetricData call, resolved to series and encoded as the WAL record that makes them
/// durable (docs/formats/metric-wal.md). Built by the API layer after validation; the store logs it, then applies it
/// to the head. Reusable: <see cref="Clear"/> keeps the buffers.
/// </summary>
public sealed class MetricWriteBatch
{
    internal const byte KindValue = 0;
    internal const byte KindWeighted = 1;
    internal const byte KindSet = 2;

    private readonly ArrayBufferWriter<byte> _payload = new(16 * 1024);
    private readonly List<SeriesInfo> _series = [];
    private readonly HashSet<int> _seen = [];

    public int SampleCount { get; private set; }

    /// <summary>Distinct series this batch writes (so the store can log the definitions of new ones first).</summary>
    internal IReadOnlyList<SeriesInfo> Series => _series;
    internal ReadOnlyMemory<byte> Payload => _payload.WrittenMemory;

    internal void SetWallClock(long unixSeconds) =>
        BinaryPrimitives.WriteInt64LittleEndian(System.Runtime.InteropServices.MemoryMarshal.AsMemory(_payload.WrittenMemory).Span, unixSeconds);

    internal static long WallClock(ReadOnlySpan<byte> payload) =>
        payload.Length >= 8 ? BinaryPrimitives.ReadInt64LittleEndian(payload) : throw new InvalidDataException("Truncated metric WAL record.");

    public MetricWriteBatch() => Clear();

    public void Clear()
    {
        _payload.ResetWrittenCount();
        // The record starts with the wall clock of the write (filled in by the store): recovery restores each
        // series' last-ingested time from it, which ListMetrics' two-week horizon and RecentlyActive depend on.
        _payload.GetSpan(8)[..8].Clear();
        _payload.Advance(8);
        _series.Clear();
        _seen.Clear();
        SampleCount = 0;
    }

    public void Add(SeriesInfo series, long timestamp, double value, double count = 1)
    {
        Track(series);
        var span = Reserve(series.Id, timestamp, count == 1 ? KindValue : KindWeighted, count == 1 ? 8 : 16);
        BinaryPrimitives.WriteDoubleLittleEndian(span, value);
        if (count != 1)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(span[8..], count);
        }
        SampleCount++;
    }

    public void AddSet(SeriesInfo series, long timestamp, double sampleCount, double sum, double minimum, double maximum)
    {
        Track(series);
        var span = Reserve(series.Id, timestamp, KindSet, 32);
        BinaryPrimitives.WriteDoubleLittleEndian(span, sampleCount);
        BinaryPrimitives.WriteDoubleLittleEndian(span[8..], sum);
        BinaryPrimitives.WriteDoubleLittleEndian(span[16..], minimum);
        BinaryPrimitives.WriteDoubleLittleEndian(span[24..], maximum);
        SampleCount++;
    }

    private void Track(SeriesInfo series)
    {
        if (_seen.Add(series.Id))
        {
            _series.Add(series);
        }
    }

    private Span<byte> Reserve(int seriesId, long timestamp, byte kind, int bytes)
    {
        // One reservation for the whole sample (two varints of at most 10 bytes, the kind, the doubles).
        var span = _payload.GetSpan(21 + bytes);
        var n = Varint.Write(span, (ulong)seriesId);
        n += Varint.Write(span[n..], Varint.ZigZag(timestamp));
        span[n++] = kind;
        _payload.Advance(n + bytes);
        return span.Slice(n, bytes);
    }

    /// <summary>Applies an encoded payload (a logged batch, or one replayed from the WAL) to <paramref name="apply"/>.</summary>
    internal static void Decode<TApply>(ReadOnlySpan<byte> payload, ref TApply apply)
        where TApply : struct, ISampleSink
    {
        var offset = 8;
        while (offset < payload.Length)
        {
            var id = checked((int)Varint.Read(payload, ref offset));
            var ts = Varint.UnZigZag(Varint.Read(payload, ref offset));
            if (offset >= payload.Length)
            {
                throw new InvalidDataException("Truncated metric WAL record.");
            }
            var kind = payload[offset++];
            var size = kind switch { KindValue => 8, KindWeighted => 16, KindSet => 32, _ => throw new InvalidDataException("Unknown sample kind in a metric WAL record.") };
            if (offset + size > payload.Length)
            {
                throw new InvalidDataException("Truncated metric WAL record.");
            }
            var s = payload.Slice(offset, size);
            offset += size;
            switch (kind)
            {
                case KindValue:
                    apply.Value(id, ts, BinaryPrimitives.ReadDoubleLittleEndian(s), 1);
                    break;
                case KindWeighted:
                    apply.Value(id, ts, BinaryPrimitives.ReadDoubleLittleEndian(s), BinaryPrimitives.ReadDoubleLittleEndian(s[8..]));
                    break;
                default:
                    apply.Set(id, new StatisticSetSample(ts, BinaryPrimitives.ReadDoubleLittleEndian(s), BinaryPrimitives.ReadDoubleLittleEndian(s[8..]),
                        BinaryPrimitives.ReadDoubleLittleEndian(s[16..]), BinaryPrimitives.ReadDoubleLittleEndian(s[24..])));
                    break;
            }
        }
    }
}

/// <summary>Receives decoded samples (a struct, so the decode loop is specialised and does not box).</summary>
internal interface ISampleSink
{
    void Value(int seriesId, long timestamp, double value, double count);
    void Set(int seriesId, in StatisticSetSample set);
}
