using System.Globalization;
using System.Text;
using System.Text.Json;
using Vigil.Protocol.Codecs.AwsJson;

namespace Vigil.Protocol.Tests.Codecs;

/// <summary>
/// The scanner against <see cref="Utf8JsonReader"/>, the reader the generic decoder uses: whatever the scanner
/// accepts, the reader must accept with the same value; whatever plain value the reader accepts, the scanner must
/// too (else the fast paths would decline the common case).
/// </summary>
public sealed class PlainJsonScannerTests
{
    private static readonly string[] NumberParts = ["-", "0", "1", "9", "00", "12345678901234567890", ".", "5", "e", "E", "+", "-", "308", "309", "400", "22", "23", "x", " ", "0.1", "7e-5", "4.9e-324"];

    [Fact]
    public void Numbers_are_read_exactly_as_the_JSON_reader_reads_them_and_nothing_else_is()
    {
        var rng = new Random(11);
        var accepted = 0;
        for (var run = 0; run < 60_000; run++)
        {
            var text = run % 2 == 0 ? WellFormedNumber(rng) : string.Concat(Enumerable.Range(0, rng.Next(1, 6)).Select(_ => NumberParts[rng.Next(NumberParts.Length)]));
            var expected = ReaderNumber(text);
            var scanner = new PlainJsonScanner(Encoding.UTF8.GetBytes($"[{text}]"));
            scanner.Take((byte)'[').ShouldBeTrue();
            var ok = scanner.TryNumber(out var value) && scanner.Take((byte)']') && scanner.AtEnd();
            if (ok)
            {
                expected.ShouldNotBeNull($"the scanner took {text}, the reader does not");
                BitConverter.DoubleToInt64Bits(value).ShouldBe(BitConverter.DoubleToInt64Bits(expected.Value), text);
                accepted++;
            }
            else if (expected is { } e && double.IsFinite(e))
            {
                throw new ShouldAssertException($"the reader took {text} as {e}, the scanner declined it");
            }
        }
        accepted.ShouldBeGreaterThan(30_000);
    }

    [Fact]
    public void Integers_are_taken_only_in_int_range_without_fraction_or_exponent()
    {
        foreach (var (text, expected) in new (string, int?)[]
        {
            ("0", 0), ("-0", 0), ("60", 60), ("2147483647", int.MaxValue), ("-2147483648", int.MinValue), ("2147483648", null),
            ("-2147483649", null), ("1.0", null), ("1e0", null), ("0.0", null), ("01", null), ("99999999999", null), ("", null), ("-", null),
        })
        {
            var scanner = new PlainJsonScanner(Encoding.UTF8.GetBytes(text + "}"));
            var ok = scanner.TryInt32(out var value) && scanner.Take((byte)'}');
            (ok ? value : (int?)null).ShouldBe(expected, text);
        }
    }

    [Fact]
    public void Strings_without_escapes_are_slices_and_anything_else_is_declined()
    {
        var rng = new Random(3);
        byte[] alphabet = [(byte)'a', (byte)'Z', (byte)' ', (byte)'"', (byte)'\\', 0x01, 0x1F, 0x7F, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80, 0xFF, 0xC0];
        var taken = 0;
        for (var run = 0; run < 50_000; run++)
        {
            // Short strings, and long mostly-plain ones that the 16-byte steps scan up to the first byte needing a look.
            var content = run % 2 == 0
                ? Enumerable.Range(0, rng.Next(0, 8)).Select(_ => alphabet[rng.Next(alphabet.Length)]).ToArray()
                : Enumerable.Range(0, rng.Next(0, 70)).Select(_ => rng.Next(40) == 0 ? alphabet[rng.Next(alphabet.Length)] : (byte)rng.Next(0x20, 0x7F)).Where(b => b != '"' || rng.Next(2) == 0).ToArray();
            byte[] json = [(byte)'"', .. content, (byte)'"'];
            var scanner = new PlainJsonScanner(json);
            var ok = scanner.TryString(out ReadOnlySpan<byte> value) && scanner.AtEnd();
            var plain = content.All(b => b >= 0x20 && b != '"' && b != '\\') && System.Text.Unicode.Utf8.IsValid(content);
            ok.ShouldBe(plain, Convert.ToHexString(content));
            if (ok)
            {
                value.ToArray().ShouldBe(content);
                ReaderString(json).ShouldBe(Encoding.UTF8.GetString(content));
                taken++;
            }
        }
        taken.ShouldBeGreaterThan(1_000);
    }

    [Fact]
    public void Escaped_strings_are_unescaped_exactly_as_the_JSON_reader_unescapes_them()
    {
        var rng = new Random(8);
        string[] pieces = ["a", "Z", " ", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u00e9", "\\u65E5", "\\ud83d\\ude00", "\\u0000",
            "\\ud800", "\\udc00", "\\ud83dx", "\\u12", "\\uE000", "\\uffff", "\\x", "\\", "\u00e9", "\u65e5", "\U0001F600", "\u0001", "\"", "plain text of some length to pass sixteen bytes"];
        var copiedCount = 0;
        for (var run = 0; run < 40_000; run++)
        {
            var text = string.Concat(Enumerable.Range(0, rng.Next(0, 6)).Select(_ => pieces[rng.Next(pieces.Length)]));
            byte[] json = [.. Encoding.UTF8.GetBytes("\"" + text + "\"")];
            if (run % 7 == 0 && json.Length > 2)
            {
                json[rng.Next(1, json.Length - 1)] = 0xFF; // a byte that is never UTF-8
            }
            var expected = ReaderUtf8String(json);
            var into = new byte[json.Length];
            var scanner = new PlainJsonScanner(json);
            var ok = scanner.TryUnescapedString(into, out var start, out var length, out var copied) && scanner.AtEnd();
            if (ok)
            {
                expected.ShouldNotBeNull($"the scanner took {Convert.ToHexString(json)}, the reader does not");
                (copied ? into.AsSpan(start, length) : json.AsSpan(start, length)).ToArray().ShouldBe(expected, Convert.ToHexString(json));
                copiedCount += copied ? 1 : 0;
            }
            else
            {
                expected.ShouldBeNull($"the reader took {Convert.ToHexString(json)}, the scanner declined it");
            }
        }
        copiedCount.ShouldBeGreaterThan(5_000);
    }

    [Fact]
    public void Whitespace_is_the_four_JSON_allows_and_names_need_their_colon()
    {
        var scanner = new PlainJsonScanner(" \t\r\n{ \"Namespace\" :\n\"App\" , \"On\": true,\"Off\":false }\r\n"u8);
        scanner.Take((byte)'{').ShouldBeTrue();
        scanner.TryName(out var name).ShouldBeTrue();
        Encoding.UTF8.GetString(name).ShouldBe("Namespace");
        scanner.TryString(out ReadOnlySpan<byte> ns).ShouldBeTrue();
        Encoding.UTF8.GetString(ns).ShouldBe("App");
        scanner.Take((byte)',').ShouldBeTrue();
        scanner.TryName(out _).ShouldBeTrue();
        scanner.TryBoolean(out var on).ShouldBeTrue();
        on.ShouldBeTrue();
        scanner.Take((byte)',').ShouldBeTrue();
        scanner.TryName(out _).ShouldBeTrue();
        scanner.TryBoolean(out var off).ShouldBeTrue();
        off.ShouldBeFalse();
        scanner.Take((byte)'}').ShouldBeTrue();
        scanner.AtEnd().ShouldBeTrue();

        new PlainJsonScanner("\u000b{"u8).Take((byte)'{').ShouldBeFalse(); // vertical tab is not JSON whitespace
        new PlainJsonScanner("\u00a0{"u8).Take((byte)'{').ShouldBeFalse();
        new PlainJsonScanner("\"Namespace\" \"App\""u8).TryName(out _).ShouldBeFalse();
        var trailing = new PlainJsonScanner("{} x"u8);
        (trailing.Take((byte)'{') && trailing.Take((byte)'}')).ShouldBeTrue();
        trailing.AtEnd().ShouldBeFalse();
    }

    /// <summary>Digits, fraction and exponent in JSON's grammar, biased to the cases with edges: 15–17 digits,
    /// exponents at ±22/23 and at the ends of the double range, leading zeros of fractions, subnormals.</summary>
    private static string WellFormedNumber(Random rng)
    {
        var sb = new StringBuilder();
        if (rng.Next(3) == 0)
        {
            sb.Append('-');
        }
        var digits = rng.Next(6) == 0 ? rng.Next(14, 25) : rng.Next(1, 8);
        sb.Append(rng.Next(5) == 0 ? "0" : (rng.Next(1, 10) + string.Concat(Enumerable.Range(1, digits - 1).Select(_ => rng.Next(10)))));
        if (rng.Next(2) == 0)
        {
            sb.Append('.').Append(rng.Next(3) == 0 ? new string('0', rng.Next(1, 25)) : "").Append(string.Concat(Enumerable.Range(0, rng.Next(1, 18)).Select(_ => rng.Next(10))));
        }
        if (rng.Next(3) == 0)
        {
            sb.Append(rng.Next(2) == 0 ? 'e' : 'E').Append(rng.Next(3) switch { 0 => "+", 1 => "-", _ => "" });
            sb.Append(rng.Next(4) switch
            {
                0 => rng.Next(20, 25).ToString(CultureInfo.InvariantCulture),
                1 => rng.Next(300, 330).ToString(CultureInfo.InvariantCulture),
                _ => rng.Next(0, 12).ToString(CultureInfo.InvariantCulture),
            });
        }
        return sb.ToString();
    }

    /// <summary>The reader's double for <paramref name="text"/> as an array's only element; null when it refuses.</summary>
    private static double? ReaderNumber(string text)
    {
        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes($"[{text}]"));
            reader.Read();
            if (!reader.Read() || reader.TokenType != JsonTokenType.Number)
            {
                return null;
            }
            var ok = reader.TryGetDouble(out var value);
            return ok && reader.Read() && reader.TokenType == JsonTokenType.EndArray && !reader.Read() ? value : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The string's value as UTF-8 bytes, as the generic decoder gets it; null when the reader refuses it
    /// (bad JSON, a lone surrogate, invalid UTF-8).</summary>
    private static byte[]? ReaderUtf8String(byte[] json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.String)
            {
                return null;
            }
            var bytes = Encoding.UTF8.GetBytes(reader.GetString()!);
            var raw = reader.ValueSpan.ToArray();
            if (reader.Read())
            {
                return null;
            }
            // GetString replaces invalid UTF-8 with U+FFFD instead of failing (the scanner declines it, and the
            // generic path stores what the reader makes of it): count it as refused here. Escapes are ASCII, so the
            // raw bytes are valid exactly when the unescaped ones are.
            return System.Text.Unicode.Utf8.IsValid(raw) ? bytes : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string? ReaderString(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        return reader.GetString();
    }
}
