using Vigil.Protocol.Codecs.RpcV2Cbor;

namespace Vigil.Metrics.Api.FastPath;

/// <summary>
/// One pass over an RPCv2 CBOR body (the newest Go, Ruby, PHP and Swift SDKs) with <see cref="CborReader"/>: text
/// strings are slices of the body, numbers read as the generic decoder reads them (any float width or integer),
/// timestamps with or without tag 1. Nulls, unknown members, indefinite-length strings and control characters are
/// declined for the generic path.
/// </summary>
internal sealed partial class PutMetricDataFastPath
{
    private static bool ParseCbor(ReadOnlySpan<byte> body, State s)
    {
        var reader = new CborReader(body, maxDepth: 16);
        try
        {
            if (reader.PeekType() != CborType.Map)
            {
                return false;
            }
            var count = reader.ReadStartMap();
            for (var i = 0; count < 0 ? !reader.TryReadBreak() : i < count; i++)
            {
                if (!reader.TryReadTextStringUtf8(out var key))
                {
                    return false;
                }
                if (key.SequenceEqual("Namespace"u8))
                {
                    if (!CborText(ref reader, out s.NsStart, out s.NsLength))
                    {
                        return false;
                    }
                }
                else if (key.SequenceEqual("MetricData"u8))
                {
                    if (s.DatumCount != 0 || reader.PeekType() != CborType.Array || !CborDatums(ref reader, s)) // a repeat: declined, not merged
                    {
                        return false;
                    }
                }
                else if (key.SequenceEqual("StrictEntityValidation"u8))
                {
                    if (reader.PeekType() != CborType.Boolean)
                    {
                        return false;
                    }
                    reader.ReadBoolean();
                }
                else
                {
                    return false;
                }
            }
            reader.ReadEndMap();
            return reader.BytesRemaining == 0 && s.NsStart >= 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool CborDatums(ref CborReader reader, State s)
    {
        var count = reader.ReadStartArray();
        for (var i = 0; count < 0 ? !reader.TryReadBreak() : i < count; i++)
        {
            if (reader.PeekType() != CborType.Map || !NextDatum(s))
            {
                return false;
            }
            ref var d = ref s.Datums[s.DatumCount - 1];
            var members = reader.ReadStartMap();
            for (var m = 0; members < 0 ? !reader.TryReadBreak() : m < members; m++)
            {
                if (!reader.TryReadTextStringUtf8(out var key) || !CborDatumMember(ref reader, key, s, ref d))
                {
                    return false;
                }
            }
            reader.ReadEndMap();
            FillCounts(s, d);
        }
        reader.ReadEndArray();
        return true;
    }

    private static bool CborDatumMember(ref CborReader reader, ReadOnlySpan<byte> key, State s, ref Datum d)
    {
        if (key.SequenceEqual("MetricName"u8))
        {
            return CborText(ref reader, out d.NameStart, out d.NameLength);
        }
        if (key.SequenceEqual("Value"u8))
        {
            d.HasValue = true;
            return CborNumber(ref reader, out d.Value);
        }
        if (key.SequenceEqual("Timestamp"u8))
        {
            if (reader.PeekType() == CborType.Tag && reader.ReadTag() != 1)
            {
                return false;
            }
            d.HasTimestamp = true;
            if (!CborNumber(ref reader, out var seconds))
            {
                return false;
            }
            d.Timestamp = ToMilliseconds(seconds);
            return true;
        }
        if (key.SequenceEqual("Unit"u8))
        {
            return reader.PeekType() == CborType.TextString && reader.TryReadTextStringUtf8(out var unit) && (d.Unit = UnitIndex(unit)) >= 0;
        }
        if (key.SequenceEqual("StorageResolution"u8))
        {
            if (reader.PeekType() != CborType.UnsignedInteger)
            {
                return false;
            }
            var resolution = reader.ReadUInt64();
            d.Resolution = resolution > int.MaxValue ? -1 : (int)resolution;
            return true;
        }
        if (key.SequenceEqual("Dimensions"u8))
        {
            // A repeated member replaces the earlier one in the generic decoder: declined rather than merged.
            return reader.PeekType() == CborType.Array && s.DimCount == d.DimStart && CborDims(ref reader, s, ref d);
        }
        if (key.SequenceEqual("Values"u8))
        {
            if (d.HasValues || d.HasCounts)
            {
                return false;
            }
            d.ValuesStart = s.ValueCount;
            d.HasValues = true;
            return CborNumbers(ref reader, ref s.Values, ref s.ValueCount, out d.ValuesCount);
        }
        if (key.SequenceEqual("Counts"u8))
        {
            var start = s.CountCount;
            d.HasCounts = true;
            // Counts before Values, or of another size: the generic path decides.
            return CborNumbers(ref reader, ref s.Counts, ref s.CountCount, out var n) && start == d.ValuesStart && d.HasValues && n == d.ValuesCount;
        }
        if (key.SequenceEqual("StatisticValues"u8))
        {
            d.HasSet = true;
            d.SetSeen = 0;
            return reader.PeekType() == CborType.Map && CborSet(ref reader, ref d);
        }
        return false;
    }

    private static bool CborDims(ref CborReader reader, State s, ref Datum d)
    {
        var count = reader.ReadStartArray();
        for (var i = 0; count < 0 ? !reader.TryReadBreak() : i < count; i++)
        {
            if (reader.PeekType() != CborType.Map)
            {
                return false;
            }
            ref var dim = ref NextDim(s, ref d);
            var members = reader.ReadStartMap();
            for (var m = 0; members < 0 ? !reader.TryReadBreak() : m < members; m++)
            {
                if (!reader.TryReadTextStringUtf8(out var key))
                {
                    return false;
                }
                var read = key.SequenceEqual("Name"u8) ? CborText(ref reader, out dim.NameStart, out dim.NameLength)
                    : key.SequenceEqual("Value"u8) && CborText(ref reader, out dim.ValueStart, out dim.ValueLength);
                if (!read)
                {
                    return false;
                }
            }
            reader.ReadEndMap();
            if (dim.NameStart < 0 || dim.ValueStart < 0)
            {
                return false;
            }
        }
        reader.ReadEndArray();
        return true;
    }

    private static bool CborSet(ref CborReader reader, ref Datum d)
    {
        var count = reader.ReadStartMap();
        for (var i = 0; count < 0 ? !reader.TryReadBreak() : i < count; i++)
        {
            if (!reader.TryReadTextStringUtf8(out var key))
            {
                return false;
            }
            var which = StatisticBit(key);
            if (which == 0 || !CborNumber(ref reader, out var v))
            {
                return false;
            }
            SetStatistic(ref d, which, v);
        }
        reader.ReadEndMap();
        return d.SetSeen == 15;
    }

    private static bool CborNumbers(ref CborReader reader, ref double[] into, ref int count, out int n)
    {
        n = 0;
        if (reader.PeekType() != CborType.Array)
        {
            return false;
        }
        var items = reader.ReadStartArray();
        for (var i = 0; items < 0 ? !reader.TryReadBreak() : i < items; i++)
        {
            EnsureCapacity(ref into, count + 1);
            if (!CborNumber(ref reader, out into[count]))
            {
                return false; // (a null item, which the generic decoder drops)
            }
            count++;
            n++;
        }
        reader.ReadEndArray();
        return true;
    }

    private static bool CborNumber(ref CborReader reader, out double value)
    {
        value = 0;
        if (reader.PeekType() is not (CborType.UnsignedInteger or CborType.NegativeInteger or CborType.Float))
        {
            return false;
        }
        value = reader.ReadDouble();
        return true;
    }

    /// <summary>A definite-length text string without control characters, as a slice of the body.</summary>
    private static bool CborText(ref CborReader reader, out int start, out int length)
    {
        start = -1;
        length = 0;
        if (reader.PeekType() != CborType.TextString || !reader.TryReadTextStringUtf8(out var text) || text.IndexOfAnyInRange((byte)0, (byte)31) >= 0)
        {
            return false;
        }
        start = reader.BytesConsumed - text.Length;
        length = text.Length;
        return true;
    }
}
