using System.Buffers.Binary;
using System.Buffers;
using Vigil.Storage.Binary;

namespace Vigil.Metrics.Engine.Encoding;

/// <summary>
/// The datapoints of one series in one block (format: docs/formats/metric-block.md, "chunk").
/// Timestamps: delta-of-delta, zigzag, bit-packed (regular intervals cost ~0 bits). Values: when every value is a
/// decimal with at most 15 fraction digits (what agents and SDKs send), the integer mantissas at one common scale,
/// delta-coded and bit-packed — a 2-decimal random walk costs its step range in bits instead of 64; otherwise raw
/// IEEE doubles. Counts (only when some differ from 1) the same way; statistic sets raw.
/// </summary>
internal static class ChunkCodec
{
    private const byte FlagCounts = 1;
    private const byte FlagSets = 2;
    private const byte ValuesDecimal = 0;
    private const byte ValuesRaw = 1;
    private const int MaxScale = 15;
    private const double MaxMantissa = 9007199254740992d; // 2^53: mantissas stay exact in a double.

    private static readonly double[] s_pow10 = Enumerable.Range(0, MaxScale + 1).Select(e => Math.Pow(10, e)).ToArray();

    [ThreadStatic]
    private static ulong[]? t_scratch;

    private static Span<ulong> Scratch(int n)
    {
        if (t_scratch is null || t_scratch.Length < n)
        {
            t_scratch = new ulong[Math.Max(n, 1024)];
        }
        return t_scratch.AsSpan(0, n);
    }

    /// <summary>Writes the samples (sorted by time) relative to <paramref name="baseTime"/>.</summary>
    public static void Encode(SampleBuffer samples, long baseTime, IBufferWriter<byte> output)
    {
        var n = samples.Count;
        var flags = (byte)((samples.HasCounts ? FlagCounts : 0) | (samples.Sets.Count > 0 ? FlagSets : 0));
        Varint.Write(output, (ulong)n);
        output.GetSpan(1)[0] = flags;
        output.Advance(1);
        if (n > 0)
        {
            EncodeTimestamps(samples.Timestamps, baseTime, output);
            EncodeDoubles(samples.Values, output);
            if (samples.HasCounts)
            {
                EncodeDoubles(samples.Counts, output);
            }
        }
        if (samples.Sets.Count > 0)
        {
            Varint.Write(output, (ulong)samples.Sets.Count);
            foreach (var s in samples.Sets)
            {
                Varint.Write(output, Varint.ZigZag(s.Timestamp - baseTime));
                var span = output.GetSpan(32);
                BinaryPrimitives.WriteDoubleLittleEndian(span, s.SampleCount);
                BinaryPrimitives.WriteDoubleLittleEndian(span[8..], s.Sum);
                BinaryPrimitives.WriteDoubleLittleEndian(span[16..], s.Minimum);
                BinaryPrimitives.WriteDoubleLittleEndian(span[24..], s.Maximum);
                output.Advance(32);
            }
        }
    }

    /// <summary>Appends the chunk's samples to <paramref name="into"/>.</summary>
    public static void Decode(ReadOnlySpan<byte> chunk, long baseTime, SampleBuffer into)
    {
        var offset = 0;
        var n = checked((int)Varint.Read(chunk, ref offset));
        if (offset >= chunk.Length || n > chunk.Length * 64)
        {
            throw new InvalidDataException("Corrupt metric chunk header.");
        }
        var flags = chunk[offset++];
        if (n > 0)
        {
            var hasCounts = (flags & FlagCounts) != 0;
            var start = into.AppendSlots(n, hasCounts);
            DecodeTimestamps(chunk, ref offset, baseTime, into.TimestampSlots(start, n));
            DecodeDoubles(chunk, ref offset, into.ValueSlots(start, n));
            if (hasCounts)
            {
                DecodeDoubles(chunk, ref offset, into.CountSlots(start, n));
            }
        }
        if ((flags & FlagSets) != 0)
        {
            var k = (int)Varint.Read(chunk, ref offset);
            for (var i = 0; i < k; i++)
            {
                var t = baseTime + Varint.UnZigZag(Varint.Read(chunk, ref offset));
                if (offset + 32 > chunk.Length)
                {
                    throw new InvalidDataException("Truncated statistic set in a metric chunk.");
                }
                var s = chunk.Slice(offset, 32);
                into.AddSet(new StatisticSetSample(t, BinaryPrimitives.ReadDoubleLittleEndian(s), BinaryPrimitives.ReadDoubleLittleEndian(s[8..]),
                    BinaryPrimitives.ReadDoubleLittleEndian(s[16..]), BinaryPrimitives.ReadDoubleLittleEndian(s[24..])));
                offset += 32;
            }
        }
    }

    private static void EncodeTimestamps(ReadOnlySpan<long> ts, long baseTime, IBufferWriter<byte> output)
    {
        Varint.Write(output, Varint.ZigZag(ts[0] - baseTime));
        if (ts.Length == 1)
        {
            return;
        }
        var firstDelta = ts[1] - ts[0];
        Varint.Write(output, Varint.ZigZag(firstDelta));
        var dods = Scratch(ts.Length - 2);
        var prevDelta = firstDelta;
        for (var i = 2; i < ts.Length; i++)
        {
            var delta = ts[i] - ts[i - 1];
            dods[i - 2] = Varint.ZigZag(delta - prevDelta);
            prevDelta = delta;
        }
        BitPacking.Pack(output, dods);
    }

    private static void DecodeTimestamps(ReadOnlySpan<byte> chunk, ref int offset, long baseTime, Span<long> ts)
    {
        ts[0] = baseTime + Varint.UnZigZag(Varint.Read(chunk, ref offset));
        if (ts.Length == 1)
        {
            return;
        }
        var delta = Varint.UnZigZag(Varint.Read(chunk, ref offset));
        ts[1] = ts[0] + delta;
        var dods = Scratch(ts.Length - 2);
        BitPacking.Unpack(chunk, ref offset, dods);
        for (var i = 2; i < ts.Length; i++)
        {
            delta += Varint.UnZigZag(dods[i - 2]);
            ts[i] = ts[i - 1] + delta;
        }
    }

    /// <summary>The smallest decimal scale at which every value is an exact integer mantissa, or -1.</summary>
    internal static int CommonScale(ReadOnlySpan<double> values)
    {
        var scale = 0;
        foreach (var v in values)
        {
            while (true)
            {
                var m = Math.Round(v * s_pow10[scale]);
                if (Math.Abs(m) <= MaxMantissa && m / s_pow10[scale] == v)
                {
                    break;
                }
                if (++scale > MaxScale || !double.IsFinite(v))
                {
                    return -1;
                }
            }
        }
        return scale;
    }

    private static void EncodeDoubles(ReadOnlySpan<double> values, IBufferWriter<byte> output)
    {
        var scale = CommonScale(values);
        if (scale < 0)
        {
            var span = output.GetSpan(1 + values.Length * 8);
            span[0] = ValuesRaw;
            for (var i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(span[(1 + i * 8)..], values[i]);
            }
            output.Advance(1 + values.Length * 8);
            return;
        }
        var head = output.GetSpan(2);
        head[0] = ValuesDecimal;
        head[1] = (byte)scale;
        output.Advance(2);
        var p = s_pow10[scale];
        var prev = (long)Math.Round(values[0] * p);
        Varint.Write(output, Varint.ZigZag(prev));
        var deltas = Scratch(values.Length - 1);
        for (var i = 1; i < values.Length; i++)
        {
            var m = (long)Math.Round(values[i] * p);
            deltas[i - 1] = Varint.ZigZag(m - prev);
            prev = m;
        }
        BitPacking.Pack(output, deltas);
    }

    private static void DecodeDoubles(ReadOnlySpan<byte> chunk, ref int offset, Span<double> values)
    {
        if (offset >= chunk.Length)
        {
            throw new InvalidDataException("Truncated metric chunk.");
        }
        var kind = chunk[offset++];
        if (kind == ValuesRaw)
        {
            if (offset + values.Length * 8 > chunk.Length)
            {
                throw new InvalidDataException("Truncated metric chunk.");
            }
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadDoubleLittleEndian(chunk[(offset + i * 8)..]);
            }
            offset += values.Length * 8;
            return;
        }
        if (kind != ValuesDecimal || offset >= chunk.Length || chunk[offset] > MaxScale)
        {
            throw new InvalidDataException("Unknown value encoding in a metric chunk.");
        }
        var p = s_pow10[chunk[offset++]];
        var m = Varint.UnZigZag(Varint.Read(chunk, ref offset));
        values[0] = m / p;
        var deltas = Scratch(values.Length - 1);
        BitPacking.Unpack(chunk, ref offset, deltas);
        for (var i = 1; i < values.Length; i++)
        {
            m += Varint.UnZigZag(deltas[i - 1]);
            values[i] = m / p;
        }
    }
}
