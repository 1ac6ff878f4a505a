using System.IO.Compression;
using System.Text;
using System.Text.Json;

using Vigil.Protocol.Codecs;
using Vigil.Protocol.Tests.SigV4;

namespace Vigil.Protocol.Tests.TestSupport;

/// <summary>
/// One HTTP request line of TestData/captures/*.jsonl (protocol-notes §9): real clients
/// pointed at a capture server. UDP datagram lines are skipped. Shared by the SigV4 tests (which
/// verify the body as sent) and the codec tests (which decode the body after gunzip).
/// </summary>
internal sealed class CapturedRequest
{
    private static readonly string Folder = System.IO.Path.Combine(AppContext.BaseDirectory, "TestData", "captures");

    private CapturedRequest(string file, int line, TestRequest request, byte[] decompressedBody, string? cborAsJson, string? bodyJson, bool gzipped)
    {
        File = file;
        Line = line;
        Request = request;
        DecompressedBody = decompressedBody;
        CborAsJson = cborAsJson;
        BodyJson = bodyJson;
        Gzipped = gzipped;
    }

    public string File { get; }

    /// <summary>1-based line in the file.</summary>
    public int Line { get; }

    public TestRequest Request { get; }

    public byte[] DecompressedBody { get; }

    /// <summary>tools/minicbor.py's JSON view of a CBOR body, when the body is CBOR.</summary>
    public string? CborAsJson { get; }

    /// <summary>The capture tool's JSON view of a JSON body (body_json), when the body is JSON.</summary>
    public string? BodyJson { get; }

    /// <summary>Whether the client sent the body gzip-encoded (Request.Body is then the compressed bytes).</summary>
    public bool Gzipped { get; }

    public string Path => Request.RawPath;

    public string? Header(string name) => Request.Header(name);

    /// <summary>The request as the gateway's codecs see it: the body after gunzip.</summary>
    public WireRequest ToWire() => new()
    {
        Method = Request.Method,
        Path = Request.RawPath,
        Query = Request.RawQuery,
        Header = Request.Header,
        Body = DecompressedBody,
    };

    public bool IsSigned => Request.Header("authorization") is not null;

    public DateTimeOffset SignedAt =>
        DateTimeOffset.ParseExact(Request.Header("x-amz-date")!, "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);

    public override string ToString() => $"{File}:{Line}";

    public static IEnumerable<CapturedRequest> LoadAll()
    {
        foreach (string path in System.IO.Directory.EnumerateFiles(Folder, "*.jsonl").Order(StringComparer.Ordinal))
        {
            string file = System.IO.Path.GetFileName(path);
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
        Parse(file, line, System.IO.File.ReadLines(System.IO.Path.Combine(Folder, file)).ElementAt(line - 1))
        ?? throw new InvalidOperationException($"{file}:{line} is not an HTTP request");

    /// <summary>Every HTTP request of every capture, as theory data named by file and line.</summary>
    public static TheoryData<string, int> Http()
    {
        TheoryData<string, int> data = new();
        foreach (CapturedRequest request in LoadAll())
        {
            data.Add(request.File, request.Line);
        }

        return data;
    }

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
        string? json = root.TryGetProperty("body_json", out JsonElement bodyJson) && bodyJson.ValueKind == JsonValueKind.Object ? bodyJson.GetRawText() : null;
        TestRequest request = new(method.GetString()!, root.GetProperty("path").GetString()!, root.GetProperty("query").GetString() ?? "", headers, wire);
        return new CapturedRequest(file, line, request, body, cbor, json, gzipped: !ReferenceEquals(wire, body));
    }

    private static byte[] Gunzip(byte[] data)
    {
        using GZipStream gzip = new(new MemoryStream(data), CompressionMode.Decompress);
        using MemoryStream output = new();
        gzip.CopyTo(output);
        return output.ToArray();
    }
}
