using System.Collections;
using System.Text.Json;
using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Codecs.AwsJson;

/// <summary>Writes shape records as JSON (awsJson and restJson1 bodies, and audit record parameters).</summary>
public static class JsonShapeWriter
{
    private static readonly JsonWriterOptions BodyOptions = new() { SkipValidation = true };

    // Lists whose elements are encoded on all cores (registered by the operations that return big ones).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Shape, bool> s_parallelLists = new();
    private const int ParallelMinimum = 8;

    /// <summary>
    /// Encodes the elements of lists of <paramref name="listShape"/> in parallel, each into its own buffer, then
    /// copies them out in order: for answers of megabytes (GetMetricData's MetricDataResults), where formatting
    /// numbers is most of the time.
    /// </summary>
    public static void EncodeInParallel(Shape listShape)
    {
        if (listShape.Type != ShapeType.List)
        {
            throw new ArgumentException($"{listShape.Name} is not a list shape.", nameof(listShape));
        }
        s_parallelLists[listShape] = true;
    }

    /// <summary>A whole response body: the output record, or {} for an operation without output.</summary>
    public static void WriteBody(System.Buffers.IBufferWriter<byte> destination, object? output, Shape? shape)
    {
        using var writer = new Utf8JsonWriter(destination, BodyOptions);
        if (output is null || shape is null)
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
        }
        else
        {
            Write(writer, output, shape);
        }
    }

    public static void Write(Utf8JsonWriter writer, object value, Shape shape)
    {
        switch (shape.Type)
        {
            case ShapeType.Structure:
                writer.WriteStartObject();
                foreach (var m in shape.Members)
                {
                    if (m.Location != MemberLocation.Body)
                    {
                        continue;
                    }
                    var v = m.Get(value);
                    if (v is null)
                    {
                        continue;
                    }
                    writer.WritePropertyName(m.WireNameUtf8);
                    Write(writer, v, m.Shape);
                }
                writer.WriteEndObject();
                break;
            case ShapeType.List:
                writer.WriteStartArray();
                // Typed loops for the big numeric lists (GetMetricData: Timestamps and Values), no boxing per item.
                if (value is List<double> doubles)
                {
                    foreach (var d in doubles)
                    {
                        WriteDouble(writer, d);
                    }
                }
                else if (value is List<DateTimeOffset> times)
                {
                    foreach (var t in times)
                    {
                        WriteTimestamp(writer, t);
                    }
                }
                else if (value is IList { Count: >= ParallelMinimum } big && s_parallelLists.ContainsKey(shape))
                {
                    WriteInParallel(writer, big, shape.Element!);
                }
                else
                {
                    foreach (var item in (IList)value)
                    {
                        Write(writer, item, shape.Element!);
                    }
                }
                writer.WriteEndArray();
                break;
            case ShapeType.Map:
                writer.WriteStartObject();
                foreach (DictionaryEntry e in (IDictionary)value)
                {
                    writer.WritePropertyName((string)e.Key);
                    if (e.Value is null)
                    {
                        writer.WriteNullValue();
                    }
                    else
                    {
                        Write(writer, e.Value, shape.Value!);
                    }
                }
                writer.WriteEndObject();
                break;
            case ShapeType.String:
                writer.WriteStringValue((string)value);
                break;
            case ShapeType.Boolean:
                writer.WriteBooleanValue((bool)value);
                break;
            case ShapeType.Integer:
                writer.WriteNumberValue((int)value);
                break;
            case ShapeType.Long:
                writer.WriteNumberValue((long)value);
                break;
            case ShapeType.Double:
                WriteDouble(writer, (double)value);
                break;
            case ShapeType.Float:
                WriteDouble(writer, (float)value);
                break;
            case ShapeType.Timestamp:
                WriteTimestamp(writer, (DateTimeOffset)value);
                break;
            case ShapeType.Blob:
                writer.WriteBase64StringValue((byte[])value);
                break;
            default:
                throw new InvalidOperationException($"Unhandled shape type {shape.Type}.");
        }
    }

    private static void WriteInParallel(Utf8JsonWriter writer, IList items, Shape element)
    {
        var parts = new PooledBuffer[items.Count];
        try
        {
            Parallel.For(0, items.Count, i =>
            {
                var part = parts[i] = new PooledBuffer();
                using var itemWriter = new Utf8JsonWriter(part, BodyOptions);
                Write(itemWriter, items[i]!, element);
            });
            foreach (var part in parts)
            {
                writer.WriteRawValue(part.WrittenSpan, skipInputValidation: true);
            }
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            throw e.InnerExceptions[0];
        }
        finally
        {
            foreach (var part in parts)
            {
                part?.Dispose();
            }
        }
    }

    public static void WriteTimestamp(Utf8JsonWriter writer, DateTimeOffset value)
    {
        var ms = value.ToUnixTimeMilliseconds();
        if (ms % 1000 == 0)
        {
            writer.WriteNumberValue(ms / 1000);
        }
        else
        {
            writer.WriteNumberValue(ms / 1000.0);
        }
    }

    private static void WriteDouble(Utf8JsonWriter writer, double d)
    {
        Span<byte> text = stackalloc byte[DecimalText.MaxLength];
        if (DecimalText.TryFormatShort(d, text, out var length))
        {
            // Metric values are short decimals: written without the BCL's general shortest-digits search.
            writer.WriteRawValue(text[..length], skipInputValidation: true);
        }
        else if (double.IsFinite(d))
        {
            writer.WriteNumberValue(d);
        }
        else
        {
            writer.WriteStringValue(double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        }
    }
}
