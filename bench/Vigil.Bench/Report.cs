using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Vigil.Bench;

/// <summary>What every subcommand prints: one human-readable result line, then the same figures as one JSON line.</summary>
internal sealed class Report(string command)
{
    private readonly List<(string Name, object Value)> _fields = [("command", command), ("at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture))];

    public Report Add(string name, object value)
    {
        _fields.Add((name, value));
        return this;
    }

    public void Print(string resultLine)
    {
        Console.WriteLine(resultLine);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            foreach (var (name, value) in _fields)
            {
                json.WritePropertyName(name);
                Write(json, value);
            }
            json.WriteEndObject();
        }
        Console.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void Write(Utf8JsonWriter json, object value)
    {
        switch (value)
        {
            case string s:
                json.WriteStringValue(s);
                break;
            case int i:
                json.WriteNumberValue(i);
                break;
            case long l:
                json.WriteNumberValue(l);
                break;
            case double d:
                json.WriteNumberValue(Math.Round(d, 6));
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case IEnumerable<KeyValuePair<string, object>> map:
                json.WriteStartObject();
                foreach (var (k, v) in map)
                {
                    json.WritePropertyName(k);
                    Write(json, v);
                }
                json.WriteEndObject();
                break;
            case System.Collections.IEnumerable list:
                json.WriteStartArray();
                foreach (var item in list)
                {
                    Write(json, item!);
                }
                json.WriteEndArray();
                break;
            default:
                json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    /// <summary>VmRSS of this process, from /proc/self/status (bytes; 0 where there is no procfs).</summary>
    public static long ResidentBytes()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path))
        {
            return 0;
        }
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }
        return 0;
    }

    public static string Mib(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture) + " MiB";

    public static string Rate(double perSecond) => perSecond >= 1e6
        ? (perSecond / 1e6).ToString("F2", CultureInfo.InvariantCulture) + " M"
        : (perSecond / 1e3).ToString("F1", CultureInfo.InvariantCulture) + " k";

    public static double Percentile(long[] sortedTicks, double p)
    {
        if (sortedTicks.Length == 0)
        {
            return 0;
        }
        var rank = (int)Math.Ceiling(p / 100 * sortedTicks.Length) - 1;
        return sortedTicks[Math.Clamp(rank, 0, sortedTicks.Length - 1)] * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
    }
}
