using System.Globalization;
using System.Text.Json;

namespace Vigil.Logs.Insights.Execution;

/// <summary>
/// Fields Logs Insights discovers in a message by itself. JSON objects: nested keys joined with dots (<c>a.b</c>),
/// array items by index (<c>a.0.b</c>), at most <see cref="MaxJsonFields"/> fields in document order; a key that
/// starts with <c>@</c> gets a second <c>@</c> so it cannot shadow a system field. Lambda <c>REPORT</c> lines give
/// <c>@type</c>, <c>@requestId</c>, <c>@duration</c>, <c>@billedDuration</c>, <c>@memorySize</c>, <c>@maxMemoryUsed</c>.
/// </summary>
internal static class DiscoveredFields
{
    /// <summary>AWS extracts at most 200 fields from a JSON event.</summary>
    public const int MaxJsonFields = 200;

    private const int MaxDepth = 64;

    public static Dictionary<string, Value>? Discover(string message)
    {
        var start = 0;
        while (start < message.Length && char.IsWhiteSpace(message[start]))
        {
            start++;
        }

        if (start < message.Length && message[start] == '{')
        {
            return DiscoverJson(message);
        }

        return message.StartsWith("REPORT RequestId:", StringComparison.Ordinal) ? DiscoverLambdaReport(message) : null;
    }

    private static Dictionary<string, Value>? DiscoverJson(string message)
    {
        try
        {
            using var document = JsonDocument.Parse(message, new JsonDocumentOptions { MaxDepth = MaxDepth });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var fields = new Dictionary<string, Value>(StringComparer.Ordinal);
            Flatten(document.RootElement, "", fields);
            return fields;
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            return null; // Not JSON after all (or a lone surrogate, which UTF-8 cannot carry): only the system fields.
        }
    }

    private static void Flatten(JsonElement element, string prefix, Dictionary<string, Value> fields)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                var name = prefix.Length == 0 ? (property.Name.StartsWith('@') ? "@" + property.Name : property.Name) : prefix + "." + property.Name;
                Flatten(property.Value, name, fields);
                if (fields.Count >= MaxJsonFields)
                {
                    return;
                }
            }

            return;
        }

        if (element.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                Flatten(item, prefix + "." + index.ToString(CultureInfo.InvariantCulture), fields);
                index++;
                if (fields.Count >= MaxJsonFields)
                {
                    return;
                }
            }

            return;
        }

        if (fields.Count >= MaxJsonFields)
        {
            return;
        }

        fields[prefix] = element.ValueKind switch
        {
            JsonValueKind.String => Value.String(element.GetString()),
            JsonValueKind.Number => Value.WrittenNumber(element.GetRawText(), element.GetDouble()),
            JsonValueKind.True => Value.String("true"),
            JsonValueKind.False => Value.String("false"),
            _ => Value.Null,
        };
    }

    /// <summary>"REPORT RequestId: id\tDuration: 1.5 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB".</summary>
    private static Dictionary<string, Value> DiscoverLambdaReport(string message)
    {
        var fields = new Dictionary<string, Value>(StringComparer.Ordinal) { ["@type"] = Value.String("REPORT") };
        foreach (var part in message["REPORT ".Length..].Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            var key = part[..colon];
            var value = part[(colon + 1)..].Trim();
            var name = key switch
            {
                "RequestId" => "@requestId",
                "Duration" => "@duration",
                "Billed Duration" => "@billedDuration",
                "Memory Size" => "@memorySize",
                "Max Memory Used" => "@maxMemoryUsed",
                _ => null,
            };
            if (name is null)
            {
                continue;
            }

            if (name == "@requestId")
            {
                fields[name] = Value.String(value);
                continue;
            }

            // "1.5 ms" stays in milliseconds; "128 MB" becomes bytes (10^6 per MB), which is why AWS's own sample
            // queries divide @maxMemoryUsed by 1000 twice.
            var pieces = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (pieces.Length > 0 && double.TryParse(pieces[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
            {
                fields[name] = pieces.Length > 1 && pieces[1] == "MB" ? Value.Number(parsed * 1_000_000) : Value.WrittenNumber(pieces[0], parsed);
            }
        }

        return fields;
    }
}
