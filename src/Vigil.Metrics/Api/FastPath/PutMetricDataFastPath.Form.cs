using System.Buffers.Text;
using System.Text.Unicode;
using Vigil.Protocol.Codecs;

namespace Vigil.Metrics.Api.FastPath;

/// <summary>
/// One pass over an awsQuery form body (what the AWS CLI, boto3 and the CloudWatch agent send): pairs in the order
/// the SDKs write them — datums numbered 1, 2, … each with its members together, dimensions and Values/Counts
/// numbered in order. Text is unescaped into the state's text buffer. Anything else — another order, a gap, an
/// escaped key, a key it does not know, an unusual number or timestamp — is declined for the generic path.
/// </summary>
internal sealed partial class PutMetricDataFastPath
{
    private static bool ParseForm(ReadOnlySpan<byte> form, State s)
    {
        var datum = 0; // 1-based number of the datum being read; 0 before the first
        while (!form.IsEmpty)
        {
            var amp = form.IndexOf((byte)'&');
            var pair = amp < 0 ? form : form[..amp];
            form = amp < 0 ? default : form[(amp + 1)..];
            if (pair.IsEmpty)
            {
                continue;
            }
            var eq = pair.IndexOf((byte)'=');
            var key = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? default : pair[(eq + 1)..];
            if (key.IndexOfAny((byte)'%', (byte)'+') >= 0)
            {
                return false;
            }
            if (key.StartsWith("MetricData.member."u8))
            {
                key = key[18..];
                if (!Number(ref key, out var n) || key.IsEmpty || key[0] != (byte)'.')
                {
                    return false;
                }
                if (n == datum + 1)
                {
                    if ((datum > 0 && !EndDatum(s)) || !NextDatum(s))
                    {
                        return false;
                    }
                    datum = n;
                }
                else if (n != datum)
                {
                    return false;
                }
                if (!DatumMember(key[1..], value, s, ref s.Datums[s.DatumCount - 1]))
                {
                    return false;
                }
            }
            else if (key.SequenceEqual("Namespace"u8))
            {
                if (!Unescape(value, s, out s.NsStart, out s.NsLength))
                {
                    return false;
                }
            }
            else if (key.SequenceEqual("StrictEntityValidation"u8))
            {
                if (!value.SequenceEqual("true"u8) && !value.SequenceEqual("false"u8))
                {
                    return false;
                }
            }
            else if (!key.SequenceEqual("Action"u8) && !key.SequenceEqual("Version"u8))
            {
                return false; // (the gateway routed on Action and Version)
            }
        }
        return datum > 0 && EndDatum(s) && s.NsStart >= 0;
    }

    private static bool DatumMember(ReadOnlySpan<byte> member, ReadOnlySpan<byte> value, State s, ref Datum d)
    {
        if (member.SequenceEqual("MetricName"u8))
        {
            return Unescape(value, s, out d.NameStart, out d.NameLength);
        }
        if (member.SequenceEqual("Value"u8))
        {
            d.HasValue = true;
            return FormDouble(value, out d.Value);
        }
        if (member.SequenceEqual("Timestamp"u8))
        {
            d.HasTimestamp = true;
            return IsoSeconds(value, out d.Timestamp);
        }
        if (member.SequenceEqual("Unit"u8))
        {
            return Unescape(value, s, out var start, out var length) && (d.Unit = UnitIndex(s.Text.AsSpan(start, length))) >= 0;
        }
        if (member.SequenceEqual("StorageResolution"u8))
        {
            return Number(ref value, out d.Resolution) && value.IsEmpty;
        }
        if (member.StartsWith("Dimensions.member."u8))
        {
            member = member[18..];
            if (!Number(ref member, out var m))
            {
                return false;
            }
            if (m == d.DimCount + 1)
            {
                NextDim(s, ref d);
            }
            else if (m != d.DimCount)
            {
                return false;
            }
            ref var dim = ref s.Dims[d.DimStart + m - 1];
            return member.SequenceEqual(".Name"u8) ? Unescape(value, s, out dim.NameStart, out dim.NameLength)
                : member.SequenceEqual(".Value"u8) && Unescape(value, s, out dim.ValueStart, out dim.ValueLength);
        }
        if (member.StartsWith("Values.member."u8))
        {
            member = member[14..];
            if (!d.HasValues)
            {
                d.HasValues = true;
                d.ValuesStart = s.ValueCount;
            }
            // Numbered in order and before any Counts, so the datum's values stay contiguous and aligned with them.
            if (!Number(ref member, out var k) || !member.IsEmpty || k != d.ValuesCount + 1 || d.HasCounts || s.ValueCount != d.ValuesStart + d.ValuesCount)
            {
                return false;
            }
            EnsureCapacity(ref s.Values, s.ValueCount + 1);
            d.ValuesCount++;
            return FormDouble(value, out s.Values[s.ValueCount++]);
        }
        if (member.StartsWith("Counts.member."u8))
        {
            member = member[14..];
            d.HasCounts = true;
            if (!Number(ref member, out var k) || !member.IsEmpty || !d.HasValues || s.CountCount != d.ValuesStart + k - 1 || k > d.ValuesCount)
            {
                return false;
            }
            EnsureCapacity(ref s.Counts, s.CountCount + 1);
            return FormDouble(value, out s.Counts[s.CountCount++]);
        }
        if (member.StartsWith("StatisticValues."u8))
        {
            member = member[16..];
            d.HasSet = true;
            var which = StatisticBit(member);
            if (which == 0 || (d.SetSeen & which) != 0 || !FormDouble(value, out var v))
            {
                return false;
            }
            SetStatistic(ref d, which, v);
            return true;
        }
        return false;
    }

    /// <summary>Checks what can only be checked once a datum's pairs are all read; fills absent counts with ones.</summary>
    private static bool EndDatum(State s)
    {
        ref var d = ref s.Datums[s.DatumCount - 1];
        if ((d.HasSet && d.SetSeen != 15) || (d.HasCounts && s.CountCount != d.ValuesStart + d.ValuesCount))
        {
            return false;
        }
        for (var a = d.DimStart; a < d.DimStart + d.DimCount; a++)
        {
            if (s.Dims[a].NameStart < 0 || s.Dims[a].ValueStart < 0)
            {
                return false;
            }
        }
        FillCounts(s, d);
        return true;
    }

    /// <summary>A list member's number: 1–99999 in plain digits, no leading zero; consumes the digits.</summary>
    private static bool Number(ref ReadOnlySpan<byte> text, out int n)
    {
        n = 0;
        var i = 0;
        while (i < text.Length && i < 6 && (uint)(text[i] - '0') <= 9)
        {
            n = (n * 10) + (text[i] - '0');
            i++;
        }
        if (i == 0 || i == 6 || text[0] == (byte)'0')
        {
            return false;
        }
        text = text[i..];
        return true;
    }

    /// <summary>
    /// A double in the plain form both parsers read alike: -?digits(.digits)?([eE]-?digits)?, no escapes. Anything
    /// else ("NaN", "+1", " 1", "1e%2B5") is left to the generic path and its error.
    /// </summary>
    private static bool FormDouble(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        var i = text.Length > 0 && text[0] == (byte)'-' ? 1 : 0;
        var digits = Digits(text, ref i);
        if (digits == 0)
        {
            return false;
        }
        if (i < text.Length && text[i] == (byte)'.')
        {
            i++;
            if (Digits(text, ref i) == 0)
            {
                return false;
            }
        }
        if (i < text.Length && (text[i] | 0x20) == (byte)'e')
        {
            i++;
            if (i < text.Length && text[i] == (byte)'-')
            {
                i++;
            }
            if (Digits(text, ref i) == 0)
            {
                return false;
            }
        }
        return i == text.Length && Utf8Parser.TryParse(text, out value, out var used) && used == text.Length;
    }

    private static int Digits(ReadOnlySpan<byte> text, ref int i)
    {
        var start = i;
        while (i < text.Length && (uint)(text[i] - '0') <= 9)
        {
            i++;
        }
        return i - start;
    }

    /// <summary>
    /// yyyy-MM-ddTHH:mm:ss[.f{1,6}]Z with the colons escaped or not, as botocore writes timestamps, to Unix seconds.
    /// Other forms (offsets, epoch numbers, dates alone) go to the generic path.
    /// </summary>
    private static bool IsoSeconds(ReadOnlySpan<byte> escaped, out double seconds)
    {
        seconds = 0;
        Span<byte> text = stackalloc byte[32];
        var n = 0;
        for (var i = 0; i < escaped.Length; i++)
        {
            if (n == text.Length)
            {
                return false;
            }
            if (escaped[i] == (byte)'%' && i + 2 < escaped.Length && escaped[i + 1] == (byte)'3' && (escaped[i + 2] | 0x20) == (byte)'a')
            {
                text[n++] = (byte)':';
                i += 2;
            }
            else
            {
                text[n++] = escaped[i];
            }
        }
        text = text[..n];
        if (n < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[^1] != 'Z')
        {
            return false;
        }
        if (!Field(text, 0, 4, out var year) || !Field(text, 5, 2, out var month) || !Field(text, 8, 2, out var day)
            || !Field(text, 11, 2, out var hour) || !Field(text, 14, 2, out var minute) || !Field(text, 17, 2, out var second))
        {
            return false;
        }
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }
        long fraction = 0, scale = 1;
        if (n > 20)
        {
            var digits = n - 21;
            // Up to microseconds (botocore's %f): whole + .999999 stays below the next second as a double; seven
            // digits might round up to it, and the generic parser's floor would then differ.
            if (text[19] != '.' || digits is < 1 or > 6 || !Field(text, 20, digits, out var f))
            {
                return false;
            }
            fraction = f;
            for (var k = 0; k < digits; k++)
            {
                scale *= 10;
            }
        }
        var whole = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc);
        seconds = ((whole.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond) + ((double)fraction / scale);
        return true;
    }

    private static bool Field(ReadOnlySpan<byte> text, int start, int length, out int value)
    {
        value = 0;
        for (var i = start; i < start + length; i++)
        {
            if ((uint)(text[i] - '0') > 9)
            {
                return false;
            }
            value = (value * 10) + (text[i] - '0');
        }
        return true;
    }

    // The bytes of a form value that stand for themselves: printable ASCII but '%' and '+'.
    private static readonly System.Buffers.SearchValues<byte> s_formPlain = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0x20, 0x7F - 0x20).Select(b => (byte)b).Where(b => b is not ((byte)'%' or (byte)'+'))]);

    /// <summary>
    /// Unescapes a value (%XX, '+' is a space) onto the end of the text buffer. Declines malformed escapes, bytes that
    /// are not valid UTF-8 (the generic path would replace them) and control characters (never in a series key).
    /// </summary>
    private static bool Unescape(ReadOnlySpan<byte> value, State s, out int start, out int length)
    {
        start = s.TextLength;
        length = 0;
        if (s.Text.Length - s.TextLength < value.Length)
        {
            Array.Resize(ref s.Text, Math.Max(s.Text.Length * 2, s.TextLength + value.Length));
        }
        var into = s.Text.AsSpan(s.TextLength);
        // Bytes that stand for themselves (printable ASCII but '%' and '+') go over in one copy; the loop takes the rest.
        var n = value.IndexOfAnyExcept(s_formPlain);
        n = n < 0 ? value.Length : n;
        value[..n].CopyTo(into);
        var seen = 0;
        for (var i = n; i < value.Length; i++)
        {
            var b = value[i];
            if (b == (byte)'+')
            {
                b = (byte)' ';
            }
            else if (b == (byte)'%')
            {
                if (i + 2 >= value.Length || AsciiHex.Value(value[i + 1]) is not (>= 0 and var high) || AsciiHex.Value(value[i + 2]) is not (>= 0 and var low))
                {
                    return false;
                }
                b = (byte)((high << 4) | low);
                i += 2;
            }
            if (b < 0x20 || b == 0x7F)
            {
                return false;
            }
            seen |= b;
            into[n++] = b;
        }
        if (seen >= 0x80 && !Utf8.IsValid(into[..n]))
        {
            return false;
        }
        length = n;
        s.TextLength += n;
        return true;
    }
}
