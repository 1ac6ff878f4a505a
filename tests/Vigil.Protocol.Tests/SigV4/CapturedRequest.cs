using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Vigil.Protocol.Tests.SigV4;

/// <summary>
/// One HTTP request line of TestData/captures/*.jsonl (protocol-notes §9): real clients
/// pointed at a capture server. UDP datagram lines are skipped.
/// </summary>
internal sealed class CapturedRequest
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "TestData", "captures");

    private CapturedRequest(string file, int line, TestRequest request, byte[] decompressedBody, string? cborAsJson)
    {
        File = file;
        Line = line;
        Request = request;
        DecompressedBody = decompressedBody;
        CborAsJson = cborAsJson;
    }

    public string File { get; }

    /// <summary>1-based line in the file.</summary>
    public int Line { get; }

    public TestRequest Request { get; }

    public byte[] DecompressedBody { get; }

    /// <summary>tools/minicbor.py's JSON view of a CBOR body, when the body is CBOR.</summary>
    public string? CborAsJson { get; }

    public bool IsSigned => Request.Header("authorization") is not null;

    public DateTimeOffset SignedAt =>
        DateTimeOffset.ParseExact(Request.Header("x-amz-date")!, "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);

    public override string ToString() => $"{File}:{Line}";

    public static IEnumerable<CapturedRequest> LoadAll()
    {
        foreach (string path in Directory.EnumerateFiles(Folder, "*.jsonl").Order(StringComparer.Ordinal))
        {
            string file = Path.GetFileName(path);
            int line = 0;
            foreach (string text in System.IO.File.ReadLines(path))
            {
                line++;
                CapturedRequest? request = Parse(file, line, text);
                if (request is not null)
                {
                    yield return request;
                }
            }
        }
    }

    public static CapturedRequest Load(string file, int line) =>
        Parse(file, line, System.IO.File.ReadLines(Path.Combine(Folder, file)).ElementAt(line - 1))
        ?? throw new InvalidOperationException($"{file}:{line} is not an HTTP request");

    public static TheoryData<string, int> Signed()
    {
        TheoryData<string, int> data = new();
        foreach (CapturedRequest request in LoadAll())
        {
            if (request.IsSigned)
            {
                data.Add(request.File, request.Line);
            }
        }

        return data;
    }

    private static CapturedRequest? Parse(string file, int line, string text)
    {
        using JsonDocument document = JsonDocument.Parse(text);
        JsonElement root = document.RootElement;
        if (!root.TryGetProperty("method", out JsonElement method))
        {
            return null;
        }

        List<(string, string)> headers = [];
        foreach (JsonElement pair in root.GetProperty("headers").EnumerateArray())
        {
            headers.Add((pair[0].GetString()!, pair[1].GetString()!));
        }

        byte[] body = root.TryGetProperty("body", out JsonElement utf8) ? Encoding.UTF8.GetBytes(utf8.GetString()!)
            : root.TryGetProperty("body_b64", out JsonElement b64) ? Convert.FromBase64String(b64.GetString()!)
            : [];
        byte[] wire = body;
        if (root.TryGetProperty("raw_body_gzip_b64", out JsonElement gzip))
        {
            // The signature covers the compressed bytes (protocol-notes §7).
            wire = Convert.FromBase64String(gzip.GetString()!);
            Gunzip(wire).ShouldBe(body);
        }

        string? cbor = root.TryGetProperty("body_cbor_as_json", out JsonElement cborJson) ? cborJson.GetRawText() : null;
        TestRequest request = new(method.GetString()!, root.GetProperty("path").GetString()!, root.GetProperty("query").GetString() ?? "", headers, wire);
        return new CapturedRequest(file, line, request, body, cbor);
    }

    private static byte[] Gunzip(byte[] data)
    {
        using GZipStream gzip = new(new MemoryStream(data), CompressionMode.Decompress);
        using MemoryStream output = new();
        gzip.CopyTo(output);
        return output.ToArray();
    }
}
