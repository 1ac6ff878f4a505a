using System.Buffers;

namespace Vigil.Protocol.Codecs;

/// <summary>An HTTP request as the codecs see it: independent of ASP.NET so tests can drive codecs directly.</summary>
public sealed record WireRequest
{
    public required string Method { get; init; }
    /// <summary>The path as sent, still percent-encoded.</summary>
    public required string Path { get; init; }
    /// <summary>The raw query string without the leading '?'.</summary>
    public string Query { get; init; } = "";
    /// <summary>Case-insensitive header lookup; null when the header is absent.</summary>
    public required Func<string, string?> Header { get; init; }
    /// <summary>restJson1 path labels ({Name} → value) found when the request was routed; the codec reads uri members from here.</summary>
    public IReadOnlyDictionary<string, string>? PathLabels { get; init; }
    /// <summary>The body after any Content-Encoding was undone.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }
}

/// <summary>
/// A response being encoded: status, headers and a body buffer. Not thread-safe; one per request.
/// </summary>
public sealed class WireResponse : IBufferWriter<byte>
{
    private readonly ArrayBufferWriter<byte> _body = new(512);
    private readonly List<KeyValuePair<string, string>> _headers = new(4);

    public int Status { get; set; } = 200;
    public string ContentType { get; set; } = "application/json";
    public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;
    public ReadOnlyMemory<byte> Body => _body.WrittenMemory;

    public void AddHeader(string name, string value) => _headers.Add(new(name, value));

    /// <summary>Drops whatever was written, for when encoding the success body fails half-way.</summary>
    public void Reset()
    {
        _body.Clear();
        _headers.Clear();
        Status = 200;
    }

    public void Advance(int count) => _body.Advance(count);
    public Memory<byte> GetMemory(int sizeHint = 0) => _body.GetMemory(sizeHint);
    public Span<byte> GetSpan(int sizeHint = 0) => _body.GetSpan(sizeHint);
}
