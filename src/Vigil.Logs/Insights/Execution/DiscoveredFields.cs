using System.Globalization;
using System.Text;

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
        // As stored: UTF-8, where a lone surrogate has become U+FFFD.
        var index = new JsonFieldIndex(null);
        return index.Load(Encoding.UTF8.GetBytes(message)) ? new Dictionary<string, Value>(index.All(), StringComparer.Ordinal) : null;
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
