using System.Text;
using System.Text.Json;
using Vigil.Protocol.Codecs;

namespace Vigil.Protocol.Tests.TestSupport;

/// <summary>One HTTP request captured from a real AWS client (protocol-notes/captures).</summary>
public sealed record CapturedRequest(
    string File,
    int Line,
    string Method,
    string Path,
    string Query,
    List<KeyValuePair<string, string>> Headers,
    byte[] Body,
    byte[] RawBody,
    JsonElement Record)
{
    public string? Header(string name)
    {
        string? found = null;
        foreach (var h in Headers)
        {
            if (string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                found = found is null ? h.Value : found + "," + h.Value;
            }
        }
        return found;
    }

    public WireRequest ToWire() => new()
    {
        Method = Method,
        Path = Path,
        Query = Query,
        Header = Header,
        Body = Body,
    };

    public override string ToString() => $"{System.IO.Path.GetFileName(File)}:{Line} {Method} {Path} {Header("X-Amz-Target")}";
}

public static class Captures
{
    public static string Directory => System.IO.Path.Combine(AppContext.BaseDirectory, "TestData", "captures");

    /// <summary>Every HTTP request of every capture file (UDP datagrams are left out).</summary>
    public static IReadOnlyList<CapturedRequest> All { get; } = Load();

    private static List<CapturedRequest> Load()
    {
        var list = new List<CapturedRequest>();
        foreach (var file in System.IO.Directory.GetFiles(Directory, "*.jsonl").Order(StringComparer.Ordinal))
        {
            var n = 0;
            foreach (var line in File.ReadLines(file))
            {
                n++;
                if (line.Length == 0)
                {
                    continue;
                }
                var doc = JsonDocument.Parse(line).RootElement.Clone();
                if (!doc.TryGetProperty("method", out var method))
                {
                    continue;
                }
                var headers = new List<KeyValuePair<string, string>>();
                foreach (var h in doc.GetProperty("headers").EnumerateArray())
                {
                    headers.Add(new(h[0].GetString()!, h[1].GetString()!));
                }
                byte[] body = doc.TryGetProperty("body_b64", out var b64) && b64.ValueKind == JsonValueKind.String
                    ? Convert.FromBase64String(b64.GetString()!)
                    : doc.TryGetProperty("body", out var text) && text.ValueKind == JsonValueKind.String ? Encoding.UTF8.GetBytes(text.GetString()!) : [];
                var raw = doc.TryGetProperty("raw_body_gzip_b64", out var gz) ? Convert.FromBase64String(gz.GetString()!) : body;
                list.Add(new CapturedRequest(file, n, method.GetString()!, doc.GetProperty("path").GetString()!,
                    doc.GetProperty("query").GetString() ?? "", headers, body, raw, doc));
            }
        }
        return list;
    }
}
