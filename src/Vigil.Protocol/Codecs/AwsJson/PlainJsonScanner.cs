using System.Buffers.Text;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.Unicode;

namespace Vigil.Protocol.Codecs.AwsJson;

/// <summary>
/// A strict forward scanner over a JSON body for ingest fast paths that know the shape they expect: structural bytes,
/// property names, strings (plain ones as slices of the body; with escapes, unescaped into the caller's buffer),
/// numbers in JSON's grammar, true and false. Every method returns false for anything else — a control character,
/// invalid UTF-8, a lone surrogate, a malformed number, an unexpected byte — and the caller then declines the body to
/// the generic decoder, which has the full reader and the error messages. Whitespace is the four JSON allows. It does
/// not tokenise what the caller does not ask for: PutMetricData's parse took 19 % of the ingesting server's samples
/// with it, 31 % with <see cref="System.Text.Json.Utf8JsonReader"/>.
/// </summary>
public ref partial struct PlainJsonScanner(ReadOnlySpan<byte> json)
{
    private static readonly double[] s_powersOf10 =
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

    private readonly ReadOnlySpan<byte> _json = json;
    private int _pos;

    /// <summary>True, consuming it, when the next byte after whitespace is <paramref name="c"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // every token goes through here; the JIT kept it a call
    public bool Take(byte c)
    {
        // Most bodies have no whitespace between tokens: the next byte decides without the whitespace loop.
        if ((uint)_pos < (uint)_json.Length)
        {
            var next = _json[_pos];
            if (next == c)
            {
                _pos++;
                return true;
            }
            if (next > (byte)' ')
            {
                return false;
            }
        }
        return TakeAfterWhitespace(c);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TakeAfterWhitespace(byte c)
    {
        SkipWhitespace();
        if (_pos < _json.Length && _json[_pos] == c)
        {
            _pos++;
            return true;
        }
        return false;
    }

    /// <summary>True when nothing but whitespace is left.</summary>
    public bool AtEnd()
    {
        SkipWhitespace();
        return _pos == _json.Length;
    }

    /// <summary>A string without escapes: its content's offset and length in the body.</summary>
    public bool TryString(out int start, out int length)
    {
        start = length = 0;
        if (!Take((byte)'"'))
        {
            return false;
        }
        // One pass: plain ASCII 16 bytes a step, then a byte loop from the first byte that needs a look. Three
        // separate searches (quote or backslash, control bytes, UTF-8) cost more to start than short strings take.
        var rest = _json[_pos..];
        var high = 0;
        var end = PlainAsciiRun(rest);
        for (; end < rest.Length; end++)
        {
            var b = rest[end];
            if (b == '"')
            {
                break;
            }
            if (b < 0x20 || b == '\\')
            {
                return false;
            }
            high |= b;
        }
        if (end == rest.Length || (high >= 0x80 && !Utf8.IsValid(rest[..end])))
        {
            return false;
        }
        start = _pos;
        length = end;
        _pos += end + 1;
        return true;
    }

    /// <summary>A string without escapes, as a slice of the body.</summary>
    public bool TryString(out ReadOnlySpan<byte> value)
    {
        if (TryString(out int start, out var length))
        {
            value = _json.Slice(start, length);
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>true or false.</summary>
    public bool TryBoolean(out bool value)
    {
        SkipWhitespace();
        var rest = _json[_pos..];
        value = rest.StartsWith("true"u8);
        var length = value ? 4 : rest.StartsWith("false"u8) ? 5 : 0;
        _pos += length;
        return length > 0;
    }

    /// <summary>
    /// A property name and the colon after it. Only escapes are refused: the name is for comparing with the names a
    /// shape has, which no control character or broken UTF-8 can equal.
    /// </summary>
    public bool TryName(out ReadOnlySpan<byte> name)
    {
        name = default;
        if (!Take((byte)'"'))
        {
            return false;
        }
        var rest = _json[_pos..];
        var end = PlainAsciiRun(rest);
        while (end < rest.Length && rest[end] != '"')
        {
            if (rest[end++] == '\\')
            {
                return false;
            }
        }
        if (end == rest.Length)
        {
            return false;
        }
        name = rest[..end];
        _pos += end + 1;
        return Take((byte)':');
    }

    /// <summary>
    /// A number, rounded to the nearest double as <see cref="System.Text.Json.Utf8JsonReader.TryGetDouble"/> does:
    /// exactly by one multiplication or division when the digits and the power of ten are both exact doubles
    /// (Clinger's fast path: ≤ 15 digits, |exponent| ≤ 22), otherwise by the BCL's correctly rounding parser.
    /// </summary>
    public bool TryNumber(out double value)
    {
        value = 0;
        SkipWhitespace();
        var start = _pos;
        if (!ScanNumber(out var mantissa, out var digits, out var exponent, out var negative))
        {
            _pos = start;
            return false;
        }
        if (digits <= 15 && exponent is >= -22 and <= 22)
        {
            var m = (double)mantissa;
            value = exponent >= 0 ? m * s_powersOf10[exponent] : m / s_powersOf10[-exponent];
            value = negative ? -value : value;
            return true;
        }
        if (!Utf8Parser.TryParse(_json[start.._pos], out value, out var consumed) || consumed != _pos - start)
        {
            _pos = start;
            return false;
        }
        return true;
    }

    /// <summary>An integer without fraction or exponent that fits an int.</summary>
    public bool TryInt32(out int value)
    {
        var from = _pos;
        if (TryInt64(out var wide) && wide is >= int.MinValue and <= int.MaxValue)
        {
            value = (int)wide;
            return true;
        }
        _pos = from;
        value = 0;
        return false;
    }

    /// <summary>An integer without fraction or exponent that fits a long.</summary>
    public bool TryInt64(out long value)
    {
        value = 0;
        SkipWhitespace();
        var start = _pos;
        if (!ScanNumber(out var mantissa, out var digits, out var exponent, out var negative) || exponent != 0 || digits > 19 ||
            _json[start.._pos].IndexOfAny((byte)'.', (byte)'e', (byte)'E') >= 0 || mantissa > (negative ? 1UL << 63 : long.MaxValue))
        {
            _pos = start;
            return false;
        }
        value = negative ? (long)(0 - mantissa) : (long)mantissa;
        return true;
    }

    /// <summary>
    /// JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?. The significant digits (leading zeros
    /// dropped) go into <paramref name="mantissa"/> while there are at most 19 of them; <paramref name="digits"/> counts
    /// them all and <paramref name="exponent"/> is the power of ten to apply (fraction and exponent part combined).
    /// </summary>
    private bool ScanNumber(out ulong mantissa, out int digits, out int exponent, out bool negative)
    {
        mantissa = 0;
        digits = exponent = 0;
        negative = false;
        var json = _json;
        var i = _pos;
        if (i < json.Length && json[i] == '-')
        {
            negative = true;
            i++;
        }
        if (i >= json.Length || !IsDigit(json[i]))
        {
            return false;
        }
        if (json[i] == '0')
        {
            i++;
        }
        else
        {
            for (; i < json.Length && IsDigit(json[i]); i++)
            {
                Accumulate(json[i], ref mantissa, ref digits);
            }
        }
        if (i < json.Length && json[i] == '.')
        {
            i++;
            if (i >= json.Length || !IsDigit(json[i]))
            {
                return false;
            }
            for (; i < json.Length && IsDigit(json[i]); i++)
            {
                Accumulate(json[i], ref mantissa, ref digits);
                exponent--;
            }
        }
        if (i < json.Length && (json[i] | 0x20) == 'e')
        {
            i++;
            var negativeExponent = false;
            if (i < json.Length && json[i] is (byte)'+' or (byte)'-')
            {
                negativeExponent = json[i] == '-';
                i++;
            }
            if (i >= json.Length || !IsDigit(json[i]))
            {
                return false;
            }
            var e = 0;
            for (; i < json.Length && IsDigit(json[i]); i++)
            {
                e = Math.Min((e * 10) + (json[i] - '0'), 100_000); // saturates: beyond any double's range either way
            }
            exponent += negativeExponent ? -e : e;
        }
        if (mantissa == 0)
        {
            exponent = 0; // zero in any notation
        }
        _pos = i;
        return true;
    }

    private static void Accumulate(byte digit, ref ulong mantissa, ref int digits)
    {
        if (mantissa == 0 && digit == '0')
        {
            return; // a leading zero of the significant digits (0.05): neither a digit nor a scale
        }
        digits++;
        if (digits <= 19)
        {
            mantissa = (mantissa * 10) + (ulong)(digit - '0');
        }
    }

    /// <summary>
    /// How many leading bytes are printable ASCII other than quote and backslash — string content that needs no
    /// further look — 16 at a time while 16 remain; the callers' byte loops take it from there.
    /// </summary>
    private static int PlainAsciiRun(ReadOnlySpan<byte> rest)
    {
        var i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            ref var start = ref MemoryMarshal.GetReference(rest);
            var quote = Vector128.Create((byte)'"');
            var backslash = Vector128.Create((byte)'\\');
            var space = Vector128.Create((byte)' ');
            var printable = Vector128.Create((byte)0x5E); // 0x20..0x7E less 0x20, compared unsigned
            for (; i + 16 <= rest.Length; i += 16)
            {
                var v = Vector128.LoadUnsafe(ref start, (nuint)i);
                var special = Vector128.Equals(v, quote) | Vector128.Equals(v, backslash) | Vector128.GreaterThan(v - space, printable);
                if (special != Vector128<byte>.Zero)
                {
                    return i + BitOperations.TrailingZeroCount(special.ExtractMostSignificantBits());
                }
            }
        }
        while (i < rest.Length && rest[i] is >= 0x20 and < 0x7F and not (byte)'"' and not (byte)'\\')
        {
            i++;
        }
        return i;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private void SkipWhitespace() => _pos = SkipWhitespace(_json, _pos);

    /// <summary>The first index from <paramref name="at"/> that is not one of JSON's four whitespace bytes.</summary>
    public static int SkipWhitespace(ReadOnlySpan<byte> json, int at)
    {
        while (at < json.Length && json[at] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            at++;
        }
        return at;
    }
}
