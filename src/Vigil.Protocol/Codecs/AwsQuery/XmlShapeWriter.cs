using System.Buffers;
using System.Collections;
using System.Globalization;
using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Codecs.AwsQuery;

/// <summary>Writes shape records as awsQuery response XML: lists as &lt;member&gt;, maps as &lt;entry&gt;&lt;key/&gt;&lt;value/&gt;.</summary>
public static class XmlShapeWriter
{
    public static void WriteMembers(IBufferWriter<byte> w, object value, Shape shape)
    {
        foreach (var m in shape.Members)
        {
            var v = m.Get(value);
            if (v is not null)
            {
                WriteMember(w, m, v);
            }
        }
    }

    public static void WriteMember(IBufferWriter<byte> w, Member m, object v)
    {
        if (m.Shape.Type == ShapeType.List && (m.Shape.Flattened || m.Flattened))
        {
            foreach (var item in (IList)v)
            {
                WriteElement(w, m.WireName, item, m.Shape.Element!);
            }
            return;
        }
        WriteElement(w, m.WireName, v, m.Shape);
    }

    private static void WriteElement(IBufferWriter<byte> w, string name, object value, Shape shape)
    {
        Open(w, name);
        switch (shape.Type)
        {
            case ShapeType.Structure:
                WriteMembers(w, value, shape);
                break;
            case ShapeType.List:
                // Typed loops for the big numeric lists (GetMetricData's Timestamps and Values): no boxing, no strings.
                if (value is List<double> doubles)
                {
                    foreach (var d in doubles)
                    {
                        WriteDoubleElement(w, shape.ElementName, d);
                    }
                }
                else if (value is List<DateTimeOffset> times)
                {
                    foreach (var t in times)
                    {
                        WriteTimestampElement(w, shape.ElementName, t);
                    }
                }
                else
                {
                    foreach (var item in (IList)value)
                    {
                        WriteElement(w, shape.ElementName, item, shape.Element!);
                    }
                }
                break;
            case ShapeType.Map:
                foreach (DictionaryEntry e in (IDictionary)value)
                {
                    Open(w, "entry");
                    WriteElement(w, shape.KeyName, e.Key, shape.Key!);
                    if (e.Value is not null)
                    {
                        WriteElement(w, shape.ValueName, e.Value, shape.Value!);
                    }
                    Close(w, "entry");
                }
                break;
            default:
                Utf8Text.XmlEscaped(w, FormatScalar(value, shape));
                break;
        }
        Close(w, name);
    }

    private static void WriteDoubleElement(IBufferWriter<byte> w, string name, double value)
    {
        if (!double.IsFinite(value))
        {
            Open(w, name);
            Utf8Text.Text(w, value.ToString("R", CultureInfo.InvariantCulture));
            Close(w, name);
            return;
        }
        Open(w, name);
        w.Advance(DecimalText.Format(value, w.GetSpan(DecimalText.MaxLength)));
        Close(w, name);
    }

    private static void WriteTimestampElement(IBufferWriter<byte> w, string name, DateTimeOffset value)
    {
        Open(w, name);
        var span = w.GetSpan(32);
        if (!value.UtcDateTime.TryFormat(span, out var written, Timestamps.Iso8601Format, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("A timestamp did not fit its buffer.");
        }
        w.Advance(written);
        Close(w, name);
    }

    public static string FormatScalar(object value, Shape shape) => shape.Type switch
    {
        ShapeType.String => (string)value,
        ShapeType.Boolean => (bool)value ? "true" : "false",
        ShapeType.Integer => ((int)value).ToString(CultureInfo.InvariantCulture),
        ShapeType.Long => ((long)value).ToString(CultureInfo.InvariantCulture),
        ShapeType.Double => ((double)value).ToString("R", CultureInfo.InvariantCulture),
        ShapeType.Float => ((float)value).ToString("R", CultureInfo.InvariantCulture),
        ShapeType.Timestamp => Timestamps.ToIso8601((DateTimeOffset)value),
        ShapeType.Blob => Convert.ToBase64String((byte[])value),
        _ => throw new InvalidOperationException($"{shape.Type} is not a scalar."),
    };

    public static void Open(IBufferWriter<byte> w, string name)
    {
        Utf8Text.Raw(w, "<"u8);
        Utf8Text.Text(w, name);
        Utf8Text.Raw(w, ">"u8);
    }

    public static void Close(IBufferWriter<byte> w, string name)
    {
        Utf8Text.Raw(w, "</"u8);
        Utf8Text.Text(w, name);
        Utf8Text.Raw(w, ">"u8);
    }
}
