using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Vigil.Logs.Insights.Functions;

namespace Vigil.Logs.Insights.Execution;

/// <summary>
/// The rows of <c>pattern</c> (and <c>diff</c>), one per pattern:
/// <list type="bullet">
/// <item><c>@pattern</c>: the text, each dynamic token as <c>&lt;*&gt;</c>;</item>
/// <item><c>@ratio</c>: its events over all events that reached <c>pattern</c> with a value, in the query window;</item>
/// <item><c>@sampleCount</c>: its events in the query window;</item>
/// <item><c>@severityLabel</c>: ERROR, WARN, DEBUG or INFO, from the highest severity word among its events;</item>
/// <item>with diff, <c>@previousSampleCount</c> (its events in the comparison window), <c>@diffEventCount</c>
/// (current − previous) and <c>@differenceDescription</c> ("new", "gone", "N more", "N fewer" or "unchanged");</item>
/// <item><c>@tokens</c>: JSON, AWS's PatternToken shape: the static text between dynamic tokens, and each dynamic
/// token's position, <c>inferredTokenName</c> (<c>Number-1</c>, <c>Time-2</c>, … "Token" when mixed) and up to 10
/// sampled values with their counts (<c>enumerations</c>, most frequent first).</item>
/// </list>
/// Rows come most events first, then by pattern text; with diff, largest absolute change first.
/// </summary>
internal static class PatternRows
{
    public static List<Row> Render(List<PatternSignature> patterns, bool diff, long currentEvents)
    {
        var ordered = diff
            ? patterns.OrderByDescending(p => Math.Abs(p.Current - p.Previous)).ThenByDescending(p => p.Current)
            : patterns.OrderByDescending(p => p.Current);
        var rows = new List<Row>(patterns.Count);
        foreach (var (pattern, text) in ordered.ThenBy(p => p.Render(), StringComparer.Ordinal).Select(p => (p, p.Render())))
        {
            var row = Row.Empty();
            row.Set("@pattern", Value.String(text));
            row.Set("@ratio", Value.Number(currentEvents == 0 ? 0 : (double)pattern.Current / currentEvents));
            row.Set("@sampleCount", Value.Number(pattern.Current));
            row.Set("@severityLabel", Value.String(Label(pattern.Severity)));
            if (diff)
            {
                row.Set("@previousSampleCount", Value.Number(pattern.Previous));
                row.Set("@diffEventCount", Value.Number(pattern.Current - pattern.Previous));
                row.Set("@differenceDescription", Value.String(Describe(pattern.Current, pattern.Previous)));
            }

            row.Set("@tokens", Value.String(Tokens(pattern)));
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Only JSON's own escapes: the text is a result value, never HTML, and "&lt;*&gt;" stays readable.</summary>
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Label(PatternSeverity severity) => severity switch
    {
        PatternSeverity.Error => "ERROR",
        PatternSeverity.Warn => "WARN",
        PatternSeverity.Debug => "DEBUG",
        _ => "INFO",
    };

    public static string Describe(long current, long previous) => (current, previous) switch
    {
        ( > 0, 0) => "new",
        (0, > 0) => "gone",
        _ when current > previous => string.Create(CultureInfo.InvariantCulture, $"{current - previous} more"),
        _ when current < previous => string.Create(CultureInfo.InvariantCulture, $"{previous - current} fewer"),
        _ => "unchanged",
    };

    private static string Tokens(PatternSignature pattern)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, JsonOptions))
        {
            json.WriteStartArray();
            var literal = new System.Text.StringBuilder(pattern.Prefix);
            var position = 0;
            for (var i = 0; i < pattern.Tokens.Length; i++)
            {
                if (pattern.Tokens[i] is { } word)
                {
                    literal.Append(word).Append(pattern.Separators[i]);
                    continue;
                }

                WriteStatic(json, literal);
                position++;
                json.WriteStartObject();
                json.WriteNumber("dynamicTokenPosition", position);
                json.WriteBoolean("isDynamic", true);
                json.WriteString("tokenString", "<*>");
                json.WriteString("inferredTokenName", string.Create(CultureInfo.InvariantCulture, $"{LogTokenizer.KindName(pattern.Kinds[i])}-{position}"));
                if (i < pattern.Values.Length && pattern.Values[i] is { } values)
                {
                    json.WriteStartObject("enumerations");
                    foreach (var (value, count) in values.MostFrequent())
                    {
                        json.WriteNumber(value, count);
                    }

                    json.WriteEndObject();
                }

                json.WriteEndObject();
                literal.Append(pattern.Separators[i]);
            }

            WriteStatic(json, literal);
            json.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteStatic(Utf8JsonWriter json, System.Text.StringBuilder literal)
    {
        if (literal.Length == 0)
        {
            return;
        }

        json.WriteStartObject();
        json.WriteBoolean("isDynamic", false);
        json.WriteString("tokenString", literal.ToString());
        json.WriteEndObject();
        literal.Clear();
    }
}
