using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Vigil.Metrics.Engine;
using Vigil.Metrics.Model;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes.CloudWatch;
using Vigil.Storage.Hashing;

namespace Vigil.Metrics.Api.FastPath;

/// <summary>
/// PutMetricData straight from the request body into a WAL batch, in each of CloudWatch's protocols: JSON 1.0 in one
/// pass with <see cref="Utf8JsonReader"/>, strings kept as slices of the body; awsQuery forms in one pass over their
/// pairs (PutMetricDataFastPath.Form.cs); RPCv2 CBOR with its pull reader (PutMetricDataFastPath.Cbor.cs). Series are
/// found by their byte key (no string decoded for a known series); state is reused across calls. It accepts only
/// input that is plainly valid — the common shape agents and SDKs send — and declines everything else (escaped JSON
/// strings, EntityMetricData, ISO timestamps in JSON, repeated members, anything at or beyond a limit), which the
/// gateway then runs through the generic decoder, validator and <see cref="PutMetricDataHandler"/>: one set of rules
/// and error messages, and a fast path that never has to reproduce them.
/// </summary>
internal sealed partial class PutMetricDataFastPath(MetricStore store)
{
    private static readonly double s_maxMagnitude = Math.Pow(2, 360);
    private static readonly string[] s_unitNames = CloudWatchModel.Service.Operations["PutMetricData"].Input!.Members.First(m => m.Name == "MetricData")
        .Shape.Element!.Members.First(m => m.Name == "Unit").Shape.EnumValues!;
    private static readonly byte[][] s_units = [.. s_unitNames.Select(Encoding.UTF8.GetBytes)];
    private static readonly ReadOnlyMemory<byte> s_reservedPrefix = "AWS/"u8.ToArray();
    private readonly ConcurrentQueue<State> _pool = new();

    /// <summary>A JSON 1.0 body: strings are slices of it.</summary>
    public ValueTask<RawCallResult> HandleAsync(CallContext context, ReadOnlyMemory<byte> body, CancellationToken ct) =>
        HandleAsync(context, body, Wire.Json, ct);

    /// <summary>An awsQuery form body: strings are unescaped into the state's text buffer.</summary>
    public ValueTask<RawCallResult> HandleFormAsync(CallContext context, ReadOnlyMemory<byte> body, CancellationToken ct) =>
        HandleAsync(context, body, Wire.Form, ct);

    /// <summary>An RPCv2 CBOR body: text strings are slices of it.</summary>
    public ValueTask<RawCallResult> HandleCborAsync(CallContext context, ReadOnlyMemory<byte> body, CancellationToken ct) =>
        HandleAsync(context, body, Wire.Cbor, ct);

    private enum Wire
    {
        Json,
        Form,
        Cbor,
    }

    private async ValueTask<RawCallResult> HandleAsync(CallContext context, ReadOnlyMemory<byte> body, Wire wire, CancellationToken ct)
    {
        if (context.RequestBytes > PutMetricDataHandler.MaxRequestBytes)
        {
            return RawCallResult.NotHandled;
        }
        if (!_pool.TryDequeue(out var state))
        {
            state = new State();
        }
        ValueTask write;
        string ns;
        try
        {
            state.Reset();
            var now = store.Clock.GetUtcNow().ToUnixTimeSeconds();
            var parsed = wire switch
            {
                Wire.Json => Parse(body.Span, state),
                Wire.Form => ParseForm(body.Span, state),
                _ => ParseCbor(body.Span, state),
            };
            if (!parsed)
            {
                return RawCallResult.NotHandled;
            }
            // Offsets point into the body (JSON, CBOR) or into the unescaped text (form).
            var text = wire == Wire.Form ? state.Text.AsSpan(0, state.TextLength) : body.Span;
            if (!Valid(text, state, now))
            {
                return RawCallResult.NotHandled;
            }
            ns = Encoding.UTF8.GetString(text.Slice(state.NsStart, state.NsLength));
            Resolve(context, text, state, now);
            // The store copies the batch into the WAL and the head before this returns; the state is free after.
            write = store.WriteAsync(state.Batch, ct);
        }
        finally
        {
            _pool.Enqueue(state);
        }
        await write.ConfigureAwait(false);
        return new RawCallResult(true, null, new PutMetricDataInput { Namespace = ns });
    }

    /// <summary>The next datum slot, reset; false when 1,000 are taken (the generic path reports the limit).</summary>
    private static bool NextDatum(State s)
    {
        if (s.DatumCount == s.Datums.Length)
        {
            return false;
        }
        ref var d = ref s.Datums[s.DatumCount++];
        d = default;
        d.NameStart = -1;
        d.Unit = -1;
        d.DimStart = s.DimCount;
        return true;
    }

    /// <summary>The datum's next dimension slot, reset (Name and Value unset).</summary>
    private static ref Dim NextDim(State s, ref Datum d)
    {
        if (s.DimCount == s.Dims.Length)
        {
            Array.Resize(ref s.Dims, s.Dims.Length * 2);
        }
        ref var dim = ref s.Dims[s.DimCount++];
        dim = new Dim { NameStart = -1, ValueStart = -1 };
        d.DimCount++;
        return ref dim;
    }

    /// <summary>Values without Counts count one each: keeps the counts aligned with the values.</summary>
    private static void FillCounts(State s, in Datum d)
    {
        if (d.HasValues && !d.HasCounts)
        {
            EnsureCapacity(ref s.Counts, s.CountCount + d.ValuesCount);
            s.Counts.AsSpan(s.CountCount, d.ValuesCount).Fill(1);
            s.CountCount += d.ValuesCount;
        }
    }

    /// <summary>A StatisticValues member's bit (1, 2, 4, 8), or 0 for another name.</summary>
    private static int StatisticBit(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("SampleCount"u8) ? 1 : name.SequenceEqual("Sum"u8) ? 2 : name.SequenceEqual("Minimum"u8) ? 4 : name.SequenceEqual("Maximum"u8) ? 8 : 0;

    private static void SetStatistic(ref Datum d, int bit, double value)
    {
        d.SetSeen |= bit;
        switch (bit)
        {
            case 1: d.SetCount = value; break;
            case 2: d.SetSum = value; break;
            case 4: d.SetMin = value; break;
            default: d.SetMax = value; break;
        }
    }

    private struct Dim
    {
        public int NameStart, NameLength, ValueStart, ValueLength;
    }

    private struct Datum
    {
        public int NameStart, NameLength, DimStart, DimCount, Unit, ValuesStart, ValuesCount, Resolution, SetSeen, KeyStart, KeyLength;
        public ulong Hash;
        public bool HasTimestamp, HasValue, HasValues, HasCounts, HasSet;
        public double Timestamp, Value, SetCount, SetSum, SetMin, SetMax;
    }

    private sealed class State
    {
        public int NsStart = -1, NsLength;
        public Datum[] Datums = new Datum[1000];
        public int DatumCount;
        public Dim[] Dims = new Dim[4096];
        public int DimCount;
        public double[] Values = new double[1024];
        public double[] Counts = new double[1024];
        public int ValueCount, CountCount;
        public byte[] Key = new byte[4096];
        public byte[] Text = new byte[64 * 1024];
        public int TextLength;
        public readonly MetricWriteBatch Batch = new();

        public void Reset()
        {
            NsStart = -1;
            DatumCount = DimCount = ValueCount = CountCount = TextLength = 0;
            Batch.Clear();
        }
    }

    // ---- validation: everything the model and the handler check, as a yes/no ----

    private static bool Valid(ReadOnlySpan<byte> body, State s, long now)
    {
        var ns = body.Slice(s.NsStart, s.NsLength);
        if (ns.Length is 0 or > 255 || ns[0] == (byte)':' || ns.StartsWith(s_reservedPrefix.Span) || s.DatumCount == 0 || !Printable(ns))
        {
            return false;
        }
        for (var i = 0; i < s.DatumCount; i++)
        {
            ref var d = ref s.Datums[i];
            if (d.NameStart < 0 || d.NameLength is 0 or > 255 || d.DimCount > 30)
            {
                return false;
            }
            if ((d.HasValue ? 1 : 0) + (d.HasValues ? 1 : 0) + (d.HasSet ? 1 : 0) != 1 || (d.HasValues && d.ValuesCount is 0 or > 150))
            {
                return false;
            }
            if (d.Resolution is not (0 or 1 or 60))
            {
                return false;
            }
            if (d.HasTimestamp && (d.Timestamp < now - (14 * 86400) || d.Timestamp > now + 7200))
            {
                return false;
            }
            if (d.HasValue && !Finite(d.Value))
            {
                return false;
            }
            if (d.HasSet && (!Finite(d.SetCount) || !Finite(d.SetSum) || !Finite(d.SetMin) || !Finite(d.SetMax) || d.SetCount <= 0 || d.SetMin > d.SetMax))
            {
                return false;
            }
            for (var k = 0; k < d.ValuesCount; k++)
            {
                var c = s.Counts[d.ValuesStart + k];
                if (!Finite(s.Values[d.ValuesStart + k]) || !double.IsFinite(c) || c < 0 || c > s_maxMagnitude)
                {
                    return false;
                }
            }
            for (var a = d.DimStart; a < d.DimStart + d.DimCount; a++)
            {
                ref var dim = ref s.Dims[a];
                if (dim.NameLength is 0 or > 255 || dim.ValueLength is 0 or > 1024)
                {
                    return false;
                }
                for (var b = d.DimStart; b < a; b++)
                {
                    if (body.Slice(dim.NameStart, dim.NameLength).SequenceEqual(body.Slice(s.Dims[b].NameStart, s.Dims[b].NameLength)))
                    {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private static bool Finite(double v) => double.IsFinite(v) && Math.Abs(v) <= s_maxMagnitude && (v == 0 || Math.Abs(v) >= 1 / s_maxMagnitude);

    /// <summary>The Namespace pattern excludes nothing but a leading colon; control characters are declined to be safe.</summary>
    private static bool Printable(ReadOnlySpan<byte> text) => text.IndexOfAnyInRange((byte)0, (byte)31) < 0;

    // ---- resolution: byte key → series, then the batch ----

    // How many datums ahead of its probe a series slot is prefetched (its key half as far): enough to cover a miss to
    // memory with the work of the datums between.
    private const int PrefetchDistance = 8;

    private void Resolve(CallContext context, ReadOnlySpan<byte> body, State s, long now)
    {
        var index = store.Catalog.ByBytes;
        while (!BuildKeys(context, body, s))
        {
            s.Key = new byte[s.Key.Length * 2];
        }
        // Probing in order with each datum's slot requested PrefetchDistance datums ahead, the cache misses of
        // neighbouring datums overlap instead of queueing one after another.
        var n = s.DatumCount;
        for (var i = 0; i < Math.Min(n, PrefetchDistance); i++)
        {
            index.Prefetch(s.Datums[i].Hash);
        }
        for (var i = 0; i < n; i++)
        {
            if (i + PrefetchDistance < n)
            {
                index.Prefetch(s.Datums[i + PrefetchDistance].Hash);
            }
            if (i + (PrefetchDistance / 2) < n)
            {
                index.PrefetchKey(s.Datums[i + (PrefetchDistance / 2)].Hash);
            }
            ref var d = ref s.Datums[i];
            var keyBytes = s.Key.AsSpan(d.KeyStart, d.KeyLength);
            if (!index.TryGet(keyBytes, d.Hash, out var series))
            {
                var dimensions = new MetricDimension[d.DimCount];
                for (var k = 0; k < d.DimCount; k++)
                {
                    ref var dim = ref s.Dims[d.DimStart + k];
                    dimensions[k] = new MetricDimension(Encoding.UTF8.GetString(body.Slice(dim.NameStart, dim.NameLength)), Encoding.UTF8.GetString(body.Slice(dim.ValueStart, dim.ValueLength)));
                }
                var metric = new MetricIdentity(Encoding.UTF8.GetString(body.Slice(s.NsStart, s.NsLength)), Encoding.UTF8.GetString(body.Slice(d.NameStart, d.NameLength)), dimensions);
                var unit = d.Unit < 0 ? "None" : s_unitNames[d.Unit];
                series = store.Catalog.GetOrAdd(new SeriesKey(context.Identity.AccountId, context.Region, metric, unit, d.Resolution == 1), out _);
                series = index.GetOrAdd(keyBytes, series);
            }
            var ts = d.HasTimestamp ? (long)Math.Floor(d.Timestamp) : now;
            if (d.HasValue)
            {
                s.Batch.Add(series, ts, d.Value);
            }
            else if (d.HasValues)
            {
                for (var k = 0; k < d.ValuesCount; k++)
                {
                    var c = s.Counts[d.ValuesStart + k];
                    if (c > 0)
                    {
                        s.Batch.Add(series, ts, s.Values[d.ValuesStart + k], c);
                    }
                }
            }
            else
            {
                s.Batch.AddSet(series, ts, d.SetCount, d.SetSum, d.SetMin, d.SetMax);
            }
        }
    }

    /// <summary>
    /// Every datum's byte key, one after another in the state's key buffer, and its hash: account, region, namespace,
    /// name, unit, resolution, then the dimensions by name; 0-separated (escaped strings are declined, so no field
    /// holds a 0 byte). False when the buffer is too small.
    /// </summary>
    private static bool BuildKeys(CallContext context, ReadOnlySpan<byte> body, State s)
    {
        var prefix = new KeyWriter(s.Key);
        prefix.Add(context.Identity.AccountId);
        prefix.Add(context.Region);
        prefix.Add(body.Slice(s.NsStart, s.NsLength));
        if (prefix.Overflow)
        {
            return false;
        }
        var prefixLength = prefix.Length;
        var at = 0;
        Span<int> order = stackalloc int[30];
        for (var i = 0; i < s.DatumCount; i++)
        {
            ref var d = ref s.Datums[i];
            if (at + prefixLength > s.Key.Length)
            {
                return false;
            }
            s.Key.AsSpan(0, prefixLength).CopyTo(s.Key.AsSpan(at));
            var key = new KeyWriter(s.Key.AsSpan(at)) { Length = prefixLength };
            key.Add(body.Slice(d.NameStart, d.NameLength));
            key.Add((byte)(d.Unit + 1), d.Resolution == 1 ? (byte)1 : (byte)0);
            var dims = order[..d.DimCount];
            for (var k = 0; k < dims.Length; k++)
            {
                dims[k] = d.DimStart + k;
            }
            SortDims(body, s.Dims, dims);
            foreach (var k in dims)
            {
                key.Add(body.Slice(s.Dims[k].NameStart, s.Dims[k].NameLength));
                key.Add(body.Slice(s.Dims[k].ValueStart, s.Dims[k].ValueLength));
            }
            if (key.Overflow)
            {
                return false;
            }
            d.KeyStart = at;
            d.KeyLength = key.Length;
            d.Hash = ByteKeyIndex.HashOf(s.Key.AsSpan(at, key.Length));
            at += key.Length;
        }
        return true;
    }

    private static void SortDims(ReadOnlySpan<byte> body, Dim[] dims, Span<int> order)
    {
        for (var i = 1; i < order.Length; i++)
        {
            var x = order[i];
            var j = i - 1;
            while (j >= 0 && body.Slice(dims[order[j]].NameStart, dims[order[j]].NameLength).SequenceCompareTo(body.Slice(dims[x].NameStart, dims[x].NameLength)) > 0)
            {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = x;
        }
    }

    private ref struct KeyWriter(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;
        public int Length;
        public bool Overflow;

        public void Add(ReadOnlySpan<byte> field)
        {
            if (Length + field.Length + 1 > _buffer.Length)
            {
                Overflow = true;
                return;
            }
            field.CopyTo(_buffer[Length..]);
            Length += field.Length;
            _buffer[Length++] = 0;
        }

        public void Add(string field)
        {
            var max = Encoding.UTF8.GetMaxByteCount(field.Length);
            if (Length + max + 1 > _buffer.Length)
            {
                Overflow = true;
                return;
            }
            Length += Encoding.UTF8.GetBytes(field, _buffer[Length..]);
            _buffer[Length++] = 0;
        }

        public void Add(byte a, byte b)
        {
            if (Length + 2 > _buffer.Length)
            {
                Overflow = true;
                return;
            }
            _buffer[Length++] = a;
            _buffer[Length++] = b;
        }
    }
}
