using System.Globalization;

namespace Vigil.Logs.Insights.Execution;

public enum ValueKind : byte
{
    Null,
    String,
    Number,
    Boolean,
    Timestamp,
}

/// <summary>
/// One field value. Numbers read from a log line keep the text they were written with, so they render as written;
/// computed numbers render in <see cref="FormatNumber"/>'s form. Timestamps are epoch milliseconds.
/// </summary>
public readonly struct Value : IEquatable<Value>
{
    private readonly string? _text;
    private readonly double _number;

    private Value(ValueKind kind, string? text, double number)
    {
        Kind = kind;
        _text = text;
        _number = number;
    }

    public static Value Null => default;

    public ValueKind Kind { get; }

    public bool IsNull => Kind == ValueKind.Null;

    /// <summary>A number or timestamp whose text is made by formatting (so equal numbers render alike).</summary>
    internal bool IsFormatted => Kind is ValueKind.Number or ValueKind.Timestamp && _text is null;

    internal double RawNumber => _number;

    /// <summary>The string held, if any (a string's text, a number's written form).</summary>
    internal string? TextOrNull => _text;

    /// <summary>A value rebuilt from its <see cref="Kind"/>, <see cref="TextOrNull"/> and <see cref="RawNumber"/>.</summary>
    internal static Value FromParts(ValueKind kind, string? text, double number) => new(kind, text, number);

    public static Value String(string? text) => text is null ? Null : new(ValueKind.String, text, 0);

    public static Value Number(double number) => double.IsFinite(number) ? new(ValueKind.Number, null, number) : Null;

    /// <summary>A number as written in a log line (JSON): compares as a number, renders as written.</summary>
    public static Value WrittenNumber(string text, double number) => new(ValueKind.Number, text, number);

    public static Value Boolean(bool value) => new(ValueKind.Boolean, null, value ? 1 : 0);

    public static Value Timestamp(long milliseconds) => new(ValueKind.Timestamp, null, milliseconds);

    public bool AsBoolean => Kind switch
    {
        ValueKind.Boolean or ValueKind.Number => _number != 0,
        _ => false,
    };

    public long TimestampMilliseconds => (long)_number;

    /// <summary>The value as a number: numbers, timestamps (milliseconds), booleans (1/0), and strings that are
    /// entirely a decimal number (surrounding spaces allowed), as fields extracted by <c>parse</c> usually are.</summary>
    public bool TryGetNumber(out double number)
    {
        switch (Kind)
        {
            case ValueKind.Number or ValueKind.Timestamp or ValueKind.Boolean:
                number = _number;
                return true;
            case ValueKind.String:
                return double.TryParse(_text, NumberStyles.Float, CultureInfo.InvariantCulture, out number) && double.IsFinite(number);
            default:
                number = 0;
                return false;
        }
    }

    /// <summary>The text AWS would show for this value, or null for no value.</summary>
    public string? Render() => Kind switch
    {
        ValueKind.String => _text,
        ValueKind.Number => _text ?? FormatNumber(_number),
        ValueKind.Boolean => _number != 0 ? "1" : "0",
        ValueKind.Timestamp => FormatTimestamp((long)_number),
        _ => null,
    };

    /// <summary>Whole numbers without a fraction; others in the shortest form that reads back the same double.</summary>
    public static string FormatNumber(double number) =>
        number == Math.Floor(number) && Math.Abs(number) < 1e15
            ? ((long)number).ToString(CultureInfo.InvariantCulture)
            : number.ToString("R", CultureInfo.InvariantCulture);

    /// <summary><see cref="FormatNumber"/> into UTF-8, without allocating.</summary>
    public static bool TryFormatNumber(double number, Span<byte> utf8, out int written) =>
        number == Math.Floor(number) && Math.Abs(number) < 1e15
            ? ((long)number).TryFormat(utf8, out written, default, CultureInfo.InvariantCulture)
            : number.TryFormat(utf8, out written, "R", CultureInfo.InvariantCulture);

    /// <summary>UTC, <c>yyyy-MM-dd HH:mm:ss.fff</c>, as GetQueryResults shows <c>@timestamp</c>.</summary>
    public static string FormatTimestamp(long milliseconds)
    {
        var clamped = Math.Clamp(milliseconds, -62_135_596_800_000L, 253_402_300_799_999L);
        return DateTimeOffset.FromUnixTimeMilliseconds(clamped).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
    }

    /// <summary>Text for string operations: strings as they are, everything else as rendered.</summary>
    public string? AsText() => Kind == ValueKind.String ? _text : Render();

    public bool Equals(Value other) => Kind == other.Kind && _number.Equals(other._number) && string.Equals(Render(), other.Render(), StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is Value other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Kind, Render());

    public override string ToString() => Render() ?? "null";

    public static bool operator ==(Value left, Value right) => left.Equals(right);

    public static bool operator !=(Value left, Value right) => !left.Equals(right);
}
