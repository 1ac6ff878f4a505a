using System.Globalization;
using System.Text;
using Vigil.Logs.Insights.Execution;

namespace Vigil.Logs.Insights.Functions;

/// <summary>String functions. A missing argument gives a missing result, except where AWS defines the missing case
/// (<c>isempty</c>, <c>isblank</c>) and in <c>concat</c>, which reads a missing piece as empty.</summary>
internal static class StringFunctions
{
    public static Value StrLen(Value[] a) => a[0].AsText() is { } s ? Value.Number(s.EnumerateRunes().Count()) : Value.Null;

    public static Value ToUpper(Value[] a) => a[0].AsText() is { } s ? Value.String(s.ToUpperInvariant()) : Value.Null;

    public static Value ToLower(Value[] a) => a[0].AsText() is { } s ? Value.String(s.ToLowerInvariant()) : Value.Null;

    /// <summary>Without a second argument, white space; with one, any of its characters (a set, not a prefix:
    /// AWS's <c>trim("xyZfooxyZ", "xyZ")</c> is <c>foo</c>).</summary>
    public static Value Trim(Value[] a, bool start, bool end)
    {
        if (a[0].AsText() is not { } s)
        {
            return Value.Null;
        }

        if (a.Length == 1)
        {
            return Value.String(start && end ? s.Trim() : start ? s.TrimStart() : s.TrimEnd());
        }

        var set = (a[1].AsText() ?? "").ToCharArray();
        return Value.String(start && end ? s.Trim(set) : start ? s.TrimStart(set) : s.TrimEnd(set));
    }

    public static Value Concat(Value[] a)
    {
        var builder = new StringBuilder();
        foreach (var value in a)
        {
            builder.Append(value.AsText());
        }

        return Value.String(builder.ToString());
    }

    /// <summary>0-based start (AWS: <c>substr("xyZfooxyZ", 3, 3)</c> is <c>foo</c>), in code units; out-of-range
    /// starts and lengths are clamped to the string.</summary>
    public static Value Substr(Value[] a)
    {
        if (a[0].AsText() is not { } s || !a[1].TryGetNumber(out var startNumber))
        {
            return Value.Null;
        }

        var start = (int)Math.Clamp(Math.Floor(startNumber), 0, s.Length);
        var length = s.Length - start;
        if (a.Length == 3)
        {
            if (!a[2].TryGetNumber(out var lengthNumber))
            {
                return Value.Null;
            }

            length = (int)Math.Clamp(Math.Floor(lengthNumber), 0, length);
        }

        return Value.String(s.Substring(start, length));
    }

    public static Value Replace(Value[] a)
    {
        if (a[0].AsText() is not { } s)
        {
            return Value.Null;
        }

        var search = a[1].AsText() ?? "";
        return Value.String(search.Length == 0 ? s : s.Replace(search, a[2].AsText() ?? "", StringComparison.Ordinal));
    }

    /// <summary>1 or 0, as AWS documents (a number, not a boolean); case-sensitive.</summary>
    public static Value StrContains(Value[] a) =>
        a[0].AsText() is { } s && a[1].AsText() is { } search ? Value.Number(s.Contains(search, StringComparison.Ordinal) ? 1 : 0) : Value.Number(0);

    public static Value IsEmpty(Value[] a) => Value.Boolean(string.IsNullOrEmpty(a[0].AsText()));

    public static Value IsBlank(Value[] a) => Value.Boolean(string.IsNullOrWhiteSpace(a[0].AsText()));
}

internal static class GeneralFunctions
{
    public static Value Coalesce(Value[] a)
    {
        foreach (var value in a)
        {
            if (!value.IsNull)
            {
                return value;
            }
        }

        return Value.Null;
    }
}

internal static class NumericFunctions
{
    public static Value Unary(Value a, Func<double, double> body) => a.TryGetNumber(out var x) ? Value.Number(body(x)) : Value.Null;

    public static Value Binary(Value a, Value b, Func<double, double, double> body) =>
        a.TryGetNumber(out var x) && b.TryGetNumber(out var y) ? Value.Number(body(x, y)) : Value.Null;

    /// <summary>Missing and non-numeric arguments are skipped; none left gives no value.</summary>
    public static Value Extreme(Value[] a, bool greatest)
    {
        double? best = null;
        foreach (var value in a)
        {
            if (value.TryGetNumber(out var x) && (best is null || (greatest ? x > best : x < best)))
            {
                best = x;
            }
        }

        return best is { } b ? Value.Number(b) : Value.Null;
    }
}

internal static class DateTimeFunctions
{
    public static Value FromMillis(Value[] a) => a[0].TryGetNumber(out var ms) && Math.Abs(ms) < 1e16 ? Value.Timestamp((long)Math.Floor(ms)) : Value.Null;

    public static Value ToMillis(Value[] a)
    {
        if (a[0].Kind == ValueKind.Timestamp)
        {
            return Value.Number(a[0].TimestampMilliseconds);
        }

        if (a[0].TryGetNumber(out var number))
        {
            return Value.Number(number);
        }

        // A timestamp written as text, e.g. a JSON "time" field: ISO 8601 or the rendered form.
        return a[0].AsText() is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? Value.Number(parsed.ToUnixTimeMilliseconds())
            : Value.Null;
    }
}
