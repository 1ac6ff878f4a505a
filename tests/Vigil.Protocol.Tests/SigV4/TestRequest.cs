using System.Security.Cryptography;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Primitives;
using Vigil.Protocol.SigV4;

namespace Vigil.Protocol.Tests.SigV4;

/// <summary>An in-memory request for the verifier; headers keep their order and repeats.</summary>
internal sealed record TestRequest : ISigV4Request
{
    public TestRequest(string method, string rawPath, string rawQuery, IReadOnlyList<(string Name, string Value)> headers, byte[] body)
    {
        Method = method;
        RawPath = rawPath;
        RawQuery = rawQuery;
        Headers = headers;
        Body = body;
    }

    public string Method { get; init; }

    public string RawPath { get; init; }

    public string RawQuery { get; init; }

    public IReadOnlyList<(string Name, string Value)> Headers { get; init; }

    /// <summary>The body as received on the wire (compressed when Content-Encoding is gzip).</summary>
    public byte[] Body { get; init; }

    public bool TryGetHeader(string name, out StringValues values)
    {
        List<string>? found = null;
        foreach ((string headerName, string value) in Headers)
        {
            if (string.Equals(headerName, name, StringComparison.OrdinalIgnoreCase))
            {
                (found ??= []).Add(value);
            }
        }

        values = found is null ? StringValues.Empty : new StringValues(found.ToArray());
        return found is not null;
    }

    public void ComputePayloadSha256(scoped Span<byte> destination) => SHA256.HashData(Body, destination);

    public string? Header(string name) => TryGetHeader(name, out StringValues values) ? values.ToString() : null;

    public TestRequest WithHeader(string name, string value)
    {
        List<(string, string)> headers = [];
        bool replaced = false;
        foreach ((string headerName, string headerValue) in Headers)
        {
            bool match = string.Equals(headerName, name, StringComparison.OrdinalIgnoreCase);
            if (match && replaced)
            {
                continue;
            }

            headers.Add(match ? (headerName, value) : (headerName, headerValue));
            replaced |= match;
        }

        if (!replaced)
        {
            headers.Add((name, value));
        }

        return this with { Headers = headers };
    }

    public TestRequest WithoutHeader(string name) =>
        this with { Headers = Headers.Where(h => !string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).ToList() };
}

internal sealed class DictionarySecretStore(params (string AccessKeyId, string Secret)[] keys) : ISigV4SecretStore
{
    private readonly Dictionary<string, string> _keys = keys.ToDictionary(k => k.AccessKeyId, k => k.Secret, StringComparer.Ordinal);

    public bool TryGetSecret(string accessKeyId, [NotNullWhen(true)] out string? secretAccessKey) =>
        _keys.TryGetValue(accessKeyId, out secretAccessKey);
}

internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
