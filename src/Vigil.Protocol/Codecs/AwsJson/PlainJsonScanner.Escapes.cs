using System.Text;
using System.Text.Unicode;

namespace Vigil.Protocol.Codecs.AwsJson;

/// <summary>Strings with escapes: unescaped into the caller's buffer as UTF-8 (PutLogEvents' JSON log lines are full of them).</summary>
public ref partial struct PlainJsonScanner
{
    /// <summary>
    /// A string that may hold escapes. Without any, it is a slice of the body (<paramref name="copied"/> false);
    /// with some, it is unescaped into <paramref name="into"/>, which must hold the string's raw length (unescaping
    /// only shrinks, so the rest of the body's length is always enough), and <paramref name="copied"/> is true.
    /// Declined: a control character, an unknown escape, a lone surrogate, invalid UTF-8.
    /// </summary>
    public bool TryUnescapedString(Span<byte> into, out int start, out int length, out bool copied)
    {
        copied = false;
        start = length = 0;
        var from = _pos;
        if (!Take((byte)'"'))
        {
            return false;
        }
        var rest = _json[_pos..];
        int end = 0, written = 0, high = 0;
        while (true)
        {
            var run = PlainAsciiRun(rest[end..]);
            if (copied)
            {
                if (written + run > into.Length)
                {
                    return Fail(from);
                }
                rest.Slice(end, run).CopyTo(into[written..]);
                written += run;
            }
            end += run;
            if (end >= rest.Length)
            {
                return Fail(from);
            }
            var b = rest[end];
            if (b == '"')
            {
                break;
            }
            if (b < 0x20)
            {
                return Fail(from);
            }
            if (b == '\\')
            {
                if (!copied)
                {
                    // The first escape: what came before goes over as it is.
                    if (end > into.Length)
                    {
                        return Fail(from);
                    }
                    rest[..end].CopyTo(into);
                    written = end;
                    copied = true;
                }
                if (!TryEscape(rest, ref end, into, ref written))
                {
                    return Fail(from);
                }
                continue;
            }
            // Non-ASCII (validated at the end) or DEL.
            high |= b;
            if (copied)
            {
                if (written == into.Length)
                {
                    return Fail(from);
                }
                into[written++] = b;
            }
            end++;
        }
        // Escapes are ASCII, so the output is valid UTF-8 exactly when the raw bytes are.
        if (high >= 0x80 && !Utf8.IsValid(rest[..end]))
        {
            copied = false;
            return Fail(from);
        }
        // Without an escape the string is a slice of the body, as TryString gives it.
        (start, length) = copied ? (0, written) : (_pos, end);
        _pos += end + 1;
        return true;
    }

    private bool Fail(int from)
    {
        _pos = from;
        return false;
    }

    /// <summary>One escape at <paramref name="at"/> (its backslash), as UTF-8 into the output; false when JSON has no such escape or a surrogate is alone.</summary>
    private static bool TryEscape(ReadOnlySpan<byte> rest, ref int at, Span<byte> into, ref int written)
    {
        if (at + 1 >= rest.Length)
        {
            return false;
        }
        byte simple = rest[at + 1] switch
        {
            (byte)'"' => (byte)'"',
            (byte)'\\' => (byte)'\\',
            (byte)'/' => (byte)'/',
            (byte)'b' => 0x08,
            (byte)'f' => 0x0C,
            (byte)'n' => (byte)'\n',
            (byte)'r' => (byte)'\r',
            (byte)'t' => (byte)'\t',
            _ => 0,
        };
        if (simple != 0)
        {
            if (written == into.Length)
            {
                return false;
            }
            into[written++] = simple;
            at += 2;
            return true;
        }
        if (rest[at + 1] != 'u' || !TryHex4(rest, at + 2, out var unit))
        {
            return false;
        }
        at += 6;
        var scalar = unit;
        if (unit is >= 0xD800 and <= 0xDFFF)
        {
            // A high surrogate must be followed by an escaped low one; anything else is not a character.
            if (unit > 0xDBFF || at + 1 >= rest.Length || rest[at] != '\\' || rest[at + 1] != 'u' || !TryHex4(rest, at + 2, out var low) || low is < 0xDC00 or > 0xDFFF)
            {
                return false;
            }
            at += 6;
            scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
        }
        if (!new Rune(scalar).TryEncodeToUtf8(into[written..], out var encoded))
        {
            return false;
        }
        written += encoded;
        return true;
    }

    private static bool TryHex4(ReadOnlySpan<byte> rest, int at, out int value)
    {
        value = 0;
        if (at + 4 > rest.Length)
        {
            return false;
        }
        for (var i = at; i < at + 4; i++)
        {
            var digit = AsciiHex.Value(rest[i]);
            if (digit < 0)
            {
                return false;
            }
            value = (value << 4) | digit;
        }
        return true;
    }
}
