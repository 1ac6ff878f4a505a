using Vigil.Protocol.Codecs.AwsJson;

namespace Vigil.Metrics.Api.FastPath;

/// <summary>One pass over the JSON body with <see cref="PlainJsonScanner"/>: strings stay slices of the body.</summary>
internal sealed partial class PutMetricDataFastPath
{
    // ---- parsing: false = decline (let the generic path answer) ----

    private static bool Parse(ReadOnlySpan<byte> body, State s)
    {
        var json = new PlainJsonScanner(body);
        if (!json.Take((byte)'{'))
        {
            return false;
        }
        do
        {
            if (!json.TryName(out var name))
            {
                return false;
            }
            // A repeated MetricData replaces the earlier one in the generic decoder: declined rather than merged.
            var ok = name.SequenceEqual("MetricData"u8) ? s.DatumCount == 0 && ParseDatums(ref json, s)
                : name.SequenceEqual("Namespace"u8) ? json.TryString(out s.NsStart, out s.NsLength)
                : name.SequenceEqual("StrictEntityValidation"u8) && json.TryBoolean(out _);
            if (!ok)
            {
                return false;
            }
        }
        while (json.Take((byte)','));
        return json.Take((byte)'}') && json.AtEnd() && s.NsStart >= 0;
    }

    private static bool ParseDatums(ref PlainJsonScanner json, State s)
    {
        if (!json.Take((byte)'[') || json.Take((byte)']'))
        {
            return false; // none: the generic path reports it
        }
        do
        {
            if (!json.Take((byte)'{') || !NextDatum(s))
            {
                return false;
            }
            ref var d = ref s.Datums[s.DatumCount - 1];
            do
            {
                if (!json.TryName(out var name) || !ParseMember(ref json, name, s, ref d))
                {
                    return false;
                }
            }
            while (json.Take((byte)','));
            if (!json.Take((byte)'}'))
            {
                return false;
            }
            FillCounts(s, d);
        }
        while (json.Take((byte)','));
        return json.Take((byte)']');
    }

    private static bool ParseMember(ref PlainJsonScanner json, ReadOnlySpan<byte> name, State s, ref Datum d)
    {
        if (name.SequenceEqual("MetricName"u8))
        {
            return json.TryString(out d.NameStart, out d.NameLength);
        }
        if (name.SequenceEqual("Dimensions"u8))
        {
            // A repeated member replaces the earlier one in the generic decoder: declined rather than merged.
            return s.DimCount == d.DimStart && ParseDims(ref json, s, ref d);
        }
        if (name.SequenceEqual("Value"u8))
        {
            return d.HasValue = json.TryNumber(out d.Value);
        }
        if (name.SequenceEqual("Timestamp"u8))
        {
            if (!json.TryNumber(out var seconds))
            {
                return false;
            }
            d.Timestamp = ToMilliseconds(seconds);
            return d.HasTimestamp = true;
        }
        if (name.SequenceEqual("Unit"u8))
        {
            return json.TryString(out ReadOnlySpan<byte> unit) && (d.Unit = UnitIndex(unit)) >= 0;
        }
        if (name.SequenceEqual("StorageResolution"u8))
        {
            return json.TryInt32(out d.Resolution);
        }
        if (name.SequenceEqual("Values"u8))
        {
            if (d.HasValues)
            {
                return false;
            }
            d.ValuesStart = s.ValueCount;
            return d.HasValues = Numbers(ref json, ref s.Values, ref s.ValueCount, out d.ValuesCount);
        }
        if (name.SequenceEqual("Counts"u8))
        {
            var start = s.CountCount;
            // Counts before Values, or of another size: the generic path decides.
            return Numbers(ref json, ref s.Counts, ref s.CountCount, out var n) && start == d.ValuesStart && d.HasValues && n == d.ValuesCount && (d.HasCounts = true);
        }
        if (name.SequenceEqual("StatisticValues"u8))
        {
            return d.HasSet = ParseSet(ref json, ref d);
        }
        return false;
    }

    private static bool ParseDims(ref PlainJsonScanner json, State s, ref Datum d)
    {
        if (!json.Take((byte)'['))
        {
            return false;
        }
        if (json.Take((byte)']'))
        {
            return true;
        }
        do
        {
            if (!json.Take((byte)'{'))
            {
                return false;
            }
            ref var dim = ref NextDim(s, ref d);
            do
            {
                if (!json.TryName(out var name))
                {
                    return false;
                }
                var ok = name.SequenceEqual("Name"u8) ? json.TryString(out dim.NameStart, out dim.NameLength)
                    : name.SequenceEqual("Value"u8) && json.TryString(out dim.ValueStart, out dim.ValueLength);
                if (!ok)
                {
                    return false;
                }
            }
            while (json.Take((byte)','));
            if (!json.Take((byte)'}') || dim.NameStart < 0 || dim.ValueStart < 0)
            {
                return false;
            }
        }
        while (json.Take((byte)','));
        return json.Take((byte)']');
    }

    private static bool ParseSet(ref PlainJsonScanner json, ref Datum d)
    {
        if (!json.Take((byte)'{'))
        {
            return false;
        }
        d.SetSeen = 0;
        do
        {
            if (!json.TryName(out var name))
            {
                return false;
            }
            var which = StatisticBit(name);
            if (which == 0 || !json.TryNumber(out var v))
            {
                return false;
            }
            SetStatistic(ref d, which, v);
        }
        while (json.Take((byte)','));
        return json.Take((byte)'}') && d.SetSeen == 15;
    }

    private static bool Numbers(ref PlainJsonScanner json, ref double[] into, ref int count, out int n)
    {
        n = 0;
        if (!json.Take((byte)'['))
        {
            return false;
        }
        if (json.Take((byte)']'))
        {
            return true;
        }
        do
        {
            EnsureCapacity(ref into, count + 1);
            if (!json.TryNumber(out into[count]))
            {
                return false;
            }
            count++;
            n++;
        }
        while (json.Take((byte)','));
        return json.Take((byte)']');
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
