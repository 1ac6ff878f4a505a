using System.Buffers;
using System.Collections;
using System.Runtime.InteropServices;
using System.Text.Json;
using Vigil.Protocol.Shapes;

namespace Vigil.Protocol.Codecs.AwsJson;

/// <summary>Writes shape records as JSON (awsJson and restJson1 bodies, and audit record parameters).</summary>
public static class JsonShapeWriter
{
    private static readonly JsonWriterOptions BodyOptions = new() { SkipValidation = true };

    // Lists whose elements are encoded on all cores (registered by the operations that return big ones), with the
    // work each element stands for (numbers to format); lists below ParallelMinimumWork are written in place. In a
    // busy server the other cores' share of a small answer waits on the thread pool for longer than it saves
    // (one series' five statistics, 7,200 numbers: 3 ms over HTTP sequentially, 8 ms in parallel).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Shape, Func<object, int>> s_parallelLists = new();
    private const int ParallelMinimumWork = 50_000;

    /// <summary>
    /// Encodes the elements of lists of <paramref name="listShape"/> in parallel, in runs on all cores, when their
    /// <paramref name="work"/> (roughly, numbers to format) adds up to tens of thousands: for answers of megabytes
    /// (GetMetricData's MetricDataResults), where formatting numbers is most of the time.
    /// </summary>
    public static void EncodeInParallel(Shape listShape, Func<object, int> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (listShape.Type != ShapeType.List)
        {
            throw new ArgumentException($"{listShape.Name} is not a list shape.", nameof(listShape));
        }
        s_parallelLists[listShape] = work;
    }

    private static bool WorthParallel(IList items, Func<object, int> work)
    {
        if (items.Count < 2)
        {
            return false;
        }
        long total = 0;
        foreach (var item in items)
        {
            total += item is null ? 0 : work(item);
            if (total >= ParallelMinimumWork)
            {
                return true;
            }
        }
        return false;
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
            Write(writer, destination, output, shape);
        }
    }

    public static void Write(Utf8JsonWriter writer, object value, Shape shape) => Write(writer, null, value, shape);

    /// <summary>
    /// <paramref name="output"/>, when known, is what <paramref name="writer"/> writes into: big numeric lists and
    /// parallel-encoded lists then go straight into it (after a flush) instead of through the writer.
    /// </summary>
    private static void Write(Utf8JsonWriter writer, IBufferWriter<byte>? output, object value, Shape shape)
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
                    Write(writer, output, v, m.Shape);
                }
                writer.WriteEndObject();
                break;
            case ShapeType.List:
                // The big numeric lists (GetMetricData: Timestamps and Values) are formatted straight into the output
                // (or one buffer handed over as a single raw value): no boxing and no writer call per item.
                if (value is List<double> doubles && AllFinite(CollectionsMarshal.AsSpan(doubles)))
                {
                    WriteNumbers<double, DoubleText>(writer, output, CollectionsMarshal.AsSpan(doubles));
                    break;
                }
                if (value is List<DateTimeOffset> times)
                {
                    WriteNumbers<DateTimeOffset, TimestampText>(writer, output, CollectionsMarshal.AsSpan(times));
                    break;
                }
                writer.WriteStartArray();
                if (value is IList big && output is not null && s_parallelLists.TryGetValue(shape, out var work) && WorthParallel(big, work))
                {
                    WriteInParallel(writer, output, big, shape.Element!);
                }
                else
                {
                    foreach (var item in (IList)value)
                    {
                        Write(writer, output, item, shape.Element!);
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
                        Write(writer, output, e.Value, shape.Value!);
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

    /// <summary>
    /// The list's elements in contiguous runs, one writer each, on all cores, each into a segmented body of its own
    /// whose segments are then moved (not copied) into <paramref name="output"/> in order; the array's brackets are
    /// <paramref name="writer"/>'s. Byte-identical to writing the elements one after another.
    /// </summary>
    private static void WriteInParallel(Utf8JsonWriter writer, IBufferWriter<byte> output, IList items, Shape element)
    {
        var runs = Math.Min(items.Count, Environment.ProcessorCount * 4);
        var parts = new WireResponse[runs];
        try
        {
            Parallel.For(0, runs, r =>
            {
                var part = parts[r] = new WireResponse();
                // Consecutive top-level values: the writer puts the commas between them.
                using var runWriter = new Utf8JsonWriter(part, BodyOptions);
                for (var i = items.Count * r / runs; i < items.Count * (r + 1) / runs; i++)
                {
                    Write(runWriter, part, items[i]!, element);
                }
            });
            writer.Flush();
            for (var r = 0; r < runs; r++)
            {
                if (r > 0)
                {
                    output.Write(","u8);
                }
                if (output is WireResponse body)
                {
                    body.Append(parts[r]);
                }
                else
                {
                    parts[r].CopyTo(output);
                }
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
        Span<byte> text = stackalloc byte[DecimalText.MaxLength];
        writer.WriteRawValue(text[..FormatTimestamp(value, text)], skipInputValidation: true);
    }

    /// <summary>Epoch seconds, with a fraction only when there are milliseconds.</summary>
    private static int FormatTimestamp(DateTimeOffset value, Span<byte> destination)
    {
        var ms = value.ToUnixTimeMilliseconds();
        if (ms % 1000 == 0)
        {
            return DecimalText.WriteInteger(ms / 1000, destination);
        }
        return DecimalText.Format(ms / 1000.0, destination);
    }

    private static void WriteDouble(Utf8JsonWriter writer, double d)
    {
        if (double.IsFinite(d))
        {
            Span<byte> text = stackalloc byte[DecimalText.MaxLength];
            writer.WriteRawValue(text[..DecimalText.Format(d, text)], skipInputValidation: true);
        }
        else
        {
            writer.WriteStringValue(double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        }
    }

    // Formatters as struct type arguments, so each list loop is compiled with its formatter inlined.
    private interface INumberText<T>
    {
        static abstract int Format(T value, Span<byte> destination);
    }

    private readonly struct DoubleText : INumberText<double>
    {
        public static int Format(double value, Span<byte> destination) => DecimalText.Format(value, destination);
    }

    private readonly struct TimestampText : INumberText<DateTimeOffset>
    {
        public static int Format(DateTimeOffset value, Span<byte> destination) => FormatTimestamp(value, destination);
    }

    private static bool AllFinite(ReadOnlySpan<double> values)
    {
        foreach (var d in values)
        {
            if (!double.IsFinite(d))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// A JSON array of numbers. Into <paramref name="output"/> directly when known (the writer writes the brackets
    /// around them, after a flush), else into a pooled buffer written as a single raw value.
    /// </summary>
    private static void WriteNumbers<T, TText>(Utf8JsonWriter writer, IBufferWriter<byte>? output, ReadOnlySpan<T> values)
        where TText : struct, INumberText<T>
    {
        if (output is not null)
        {
            writer.WriteStartArray();
            writer.Flush();
            FormatNumbers<T, TText>(output, values);
            writer.WriteEndArray();
            return;
        }
        using var buffer = new PooledBuffer(2 + values.Length * (DecimalText.MaxLength + 1));
        buffer.Write("["u8);
        FormatNumbers<T, TText>(buffer, values);
        buffer.Write("]"u8);
        writer.WriteRawValue(buffer.WrittenSpan, skipInputValidation: true);
    }

    /// <summary>The numbers, comma-separated, in batches of output space.</summary>
    private static void FormatNumbers<T, TText>(IBufferWriter<byte> output, ReadOnlySpan<T> values)
        where TText : struct, INumberText<T>
    {
        const int Batch = 256;
        const int Room = DecimalText.MaxLength + 1;
        for (var start = 0; start < values.Length; start += Batch)
        {
            var batch = values.Slice(start, Math.Min(Batch, values.Length - start));
            var span = output.GetSpan(batch.Length * Room);
            var at = 0;
            foreach (var v in batch)
            {
                if (start > 0 || at > 0)
                {
                    span[at++] = (byte)',';
                }
                at += TText.Format(v, span[at..]);
            }
            output.Advance(at);
        }
    }
}
