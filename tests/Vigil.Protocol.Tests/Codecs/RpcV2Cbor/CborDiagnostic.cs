using System.Globalization;
using System.Text;
using Vigil.Protocol.Codecs.RpcV2Cbor;

namespace Vigil.Protocol.Tests.Codecs.RpcV2Cbor;

/// <summary>
/// Reads any CBOR item through the typed <see cref="CborReader"/> API and prints it in RFC 8949
/// diagnostic notation (§8), so tests can state expected values as short strings. Indefinite
/// strings print as their concatenated value; indefinite containers keep the "_ " marker.
/// Exercises every read method, which also makes it the fuzz target's "read everything" routine.
/// </summary>
internal static class CborDiagnostic
{
    public static string Decode(ReadOnlySpan<byte> data)
    {
        CborReader reader = new(data);
        StringBuilder text = new();
        Write(ref reader, text);
        if (reader.BytesRemaining != 0)
        {
            throw new CborFormatException("trailing bytes", reader.BytesConsumed);
        }

        return text.ToString();
    }

    /// <summary>Every top-level item of a sequence, each read with the typed API.</summary>
    public static void ReadAll(ReadOnlySpan<byte> data)
    {
        CborReader reader = new(data);
        StringBuilder text = new();
        while (reader.BytesRemaining > 0)
        {
            Write(ref reader, text);
        }
    }

    /// <summary>Every top-level item of a sequence, skipped.</summary>
    public static void SkipAll(ReadOnlySpan<byte> data)
    {
        CborReader reader = new(data);
        while (reader.BytesRemaining > 0)
        {
            reader.SkipValue();
        }
    }

    public static void Write(ref CborReader reader, StringBuilder text)
    {
        switch (reader.PeekType())
        {
            case CborType.UnsignedInteger:
                text.Append(reader.ReadUInt64().ToString(CultureInfo.InvariantCulture));
                break;
            case CborType.NegativeInteger:
                CborReader copy = reader;
                try
                {
                    text.Append(reader.ReadInt64().ToString(CultureInfo.InvariantCulture));
                }
                catch (CborFormatException)
                {
                    // Below long.MinValue: fall back to the double view.
                    reader = copy;
                    text.Append(FormatDouble(reader.ReadDouble()));
                }

                break;
            case CborType.ByteString:
                text.Append("h'").Append(Convert.ToHexStringLower(reader.ReadByteString())).Append('\'');
                break;
            case CborType.TextString:
                AppendQuoted(text, reader.ReadTextString());
                break;
            case CborType.Array:
                int count = reader.ReadStartArray();
                text.Append(count < 0 ? "[_ " : "[");
                for (int i = 0; count < 0 ? !reader.TryReadBreak() : i < count; i++)
                {
                    text.Append(i > 0 ? ", " : "");
                    Write(ref reader, text);
                }

                reader.ReadEndArray();
                text.Append(']');
                break;
            case CborType.Map:
                int pairs = reader.ReadStartMap();
                text.Append(pairs < 0 ? "{_ " : "{");
                for (int i = 0; pairs < 0 ? !reader.TryReadBreak() : i < pairs; i++)
                {
                    text.Append(i > 0 ? ", " : "");
                    Write(ref reader, text);
                    text.Append(": ");
                    Write(ref reader, text);
                }

                reader.ReadEndMap();
                text.Append('}');
                break;
            case CborType.Tag:
                text.Append(reader.ReadTag().ToString(CultureInfo.InvariantCulture)).Append('(');
                Write(ref reader, text);
                text.Append(')');
                break;
            case CborType.Boolean:
                text.Append(reader.ReadBoolean() ? "true" : "false");
                break;
            case CborType.Null:
                reader.ReadNull();
                text.Append("null");
                break;
            case CborType.Undefined:
                reader.ReadSimpleValue();
                text.Append("undefined");
                break;
            case CborType.SimpleValue:
                text.Append("simple(").Append(reader.ReadSimpleValue().ToString(CultureInfo.InvariantCulture)).Append(')');
                break;
            case CborType.Float:
                text.Append(FormatDouble(reader.ReadDouble()));
                break;
            default:
                throw new CborFormatException("unexpected break", reader.BytesConsumed);
        }
    }

    public static string FormatDouble(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }

    private static void AppendQuoted(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (char c in value)
        {
            if (c is '"' or '\\')
            {
                text.Append('\\');
            }

            text.Append(c);
        }

        text.Append('"');
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));
}
