using System.Text.Json;
using Vigil.Protocol.Codecs.AwsJson;

namespace Vigil.Metrics.Api.FastPath;

/// <summary>One pass over the JSON body with <see cref="Utf8JsonReader"/>: strings stay slices of the body.</summary>
internal sealed partial class PutMetricDataFastPath
{
    // ---- parsing: false = decline (let the generic path answer) ----

    private static bool Parse(ReadOnlySpan<byte> body, State s)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("Namespace"u8))
                {
                    if (!reader.Read() || !Text(ref reader, out s.NsStart, out s.NsLength))
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("MetricData"u8))
                {
                    if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray || !ParseDatums(ref reader, s))
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("StrictEntityValidation"u8))
                {
                    if (!reader.Read() || reader.TokenType is not (JsonTokenType.True or JsonTokenType.False))
                    {
                        return false;
                    }
                }
                else
                {
                    return false;
                }
            }
            return reader.TokenType == JsonTokenType.EndObject && !reader.Read() && s.NsStart >= 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool Text(ref Utf8JsonReader reader, out int start, out int length) =>
        JsonBodySlices.TryPlainString(ref reader, out start, out length);

    private static bool ParseDatums(ref Utf8JsonReader reader, State s)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            if (!NextDatum(s))
            {
                return false;
            }
            ref var d = ref s.Datums[s.DatumCount - 1];
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("MetricName"u8))
                {
                    if (!reader.Read() || !Text(ref reader, out d.NameStart, out d.NameLength))
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("Dimensions"u8))
                {
                    // A repeated member replaces the earlier one in the generic decoder: declined rather than merged.
                    if (s.DimCount != d.DimStart || !reader.Read() || reader.TokenType != JsonTokenType.StartArray || !ParseDims(ref reader, s, ref d))
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("Unit"u8))
                {
                    if (!reader.Read() || !Text(ref reader, out _, out _) || (d.Unit = UnitIndex(reader.ValueSpan)) < 0)
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("Timestamp"u8))
                {
                    if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var seconds))
                    {
                        return false;
                    }
                    d.Timestamp = ToMilliseconds(seconds);
                    d.HasTimestamp = true;
                }
                else if (reader.ValueTextEquals("Value"u8))
                {
                    if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out d.Value))
                    {
                        return false;
                    }
                    d.HasValue = true;
                }
                else if (reader.ValueTextEquals("StorageResolution"u8))
                {
                    if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out d.Resolution))
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("Values"u8))
                {
                    if (d.HasValues)
                    {
                        return false;
                    }
                    d.ValuesStart = s.ValueCount;
                    if (!reader.Read() || !Numbers(ref reader, ref s.Values, ref s.ValueCount, out d.ValuesCount))
                    {
                        return false;
                    }
                    d.HasValues = true;
                }
                else if (reader.ValueTextEquals("Counts"u8))
                {
                    var start = s.CountCount;
                    if (!reader.Read() || !Numbers(ref reader, ref s.Counts, ref s.CountCount, out var n) || start != d.ValuesStart || !d.HasValues || n != d.ValuesCount)
                    {
                        return false; // Counts before Values, or of another size: the generic path decides
                    }
                    d.HasCounts = true;
                }
                else if (reader.ValueTextEquals("StatisticValues"u8))
                {
                    if (!reader.Read() || !ParseSet(ref reader, ref d))
                    {
                        return false;
                    }
                    d.HasSet = true;
                }
                else
                {
                    return false;
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject)
            {
                return false;
            }
            FillCounts(s, d);
        }
        return reader.TokenType == JsonTokenType.EndArray;
    }

    private static bool ParseDims(ref Utf8JsonReader reader, State s, ref Datum d)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            if (s.DimCount == s.Dims.Length)
            {
                Array.Resize(ref s.Dims, s.Dims.Length * 2);
            }
            ref var dim = ref s.Dims[s.DimCount++];
            dim = new Dim { NameStart = -1, ValueStart = -1 };
            d.DimCount++;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("Name"u8))
                {
                    if (!reader.Read() || !Text(ref reader, out dim.NameStart, out dim.NameLength))
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("Value"u8))
                {
                    if (!reader.Read() || !Text(ref reader, out dim.ValueStart, out dim.ValueLength))
                    {
                        return false;
                    }
                }
                else
                {
                    return false;
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || dim.NameStart < 0 || dim.ValueStart < 0)
            {
                return false;
            }
        }
        return reader.TokenType == JsonTokenType.EndArray;
    }

    private static bool ParseSet(ref Utf8JsonReader reader, ref Datum d)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }
        d.SetSeen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var which = StatisticBit(reader.HasValueSequence || reader.ValueIsEscaped ? default : reader.ValueSpan);
            if (which == 0 || !reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var v))
            {
                return false;
            }
            SetStatistic(ref d, which, v);
        }
        return reader.TokenType == JsonTokenType.EndObject && d.SetSeen == 15;
    }

    private static bool Numbers(ref Utf8JsonReader reader, ref double[] into, ref int count, out int n)
    {
        n = 0;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.Number)
        {
            EnsureCapacity(ref into, count + 1);
            if (!reader.TryGetDouble(out into[count]))
            {
                return false;
            }
            count++;
            n++;
        }
        return reader.TokenType == JsonTokenType.EndArray;
    }

    /// <summary>Epoch seconds rounded to the millisecond, as the generic decoder reads them (Timestamps.FromEpochSeconds):
    /// 59.9996 is 60.000 there, so it must not floor to 59 here.</summary>
    private static double ToMilliseconds(double seconds) => Math.Round(seconds * 1000.0) / 1000.0;

    private static void EnsureCapacity(ref double[] array, int size)
    {
        if (size > array.Length)
        {
            Array.Resize(ref array, Math.Max(size, array.Length * 2));
        }
    }

    private static int UnitIndex(ReadOnlySpan<byte> unit)
    {
        for (var i = 0; i < s_units.Length; i++)
        {
            if (unit.SequenceEqual(s_units[i]))
            {
                return i;
            }
        }
        return -1;
    }
}
