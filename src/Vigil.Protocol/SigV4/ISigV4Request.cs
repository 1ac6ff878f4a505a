using Microsoft.Extensions.Primitives;

namespace Vigil.Protocol.SigV4;

/// <summary>
/// What <see cref="SigV4Verifier"/> needs from an HTTP request, kept free of ASP.NET types so
/// the verifier runs against captures and test vectors. Implement it as a struct (or ref
/// struct) over the live request: the verifier is generic over it, so calls are not boxed.
/// The verifier calls members on the request thread only and keeps no reference afterwards.
/// </summary>
public interface ISigV4Request
{
    /// <summary>The method exactly as sent, e.g. <c>POST</c>.</summary>
    string Method { get; }

    /// <summary>
    /// The path as it was on the wire, still percent-encoded, without the query. With Kestrel
    /// this is <c>IHttpRequestFeature.RawTarget</c> up to the first '?', not
    /// <c>HttpRequest.Path</c>, which is already decoded and would break the signature.
    /// </summary>
    string RawPath { get; }

    /// <summary>The query as on the wire, without the '?' (a leading '?' is tolerated); empty when none.</summary>
    string RawQuery { get; }

    /// <summary>
    /// Every value sent for a header, in order (repeated header lines are separate values).
    /// Must match names case-insensitively: the verifier asks with the names as listed in
    /// SignedHeaders (lower-case from every real client) and a few fixed lower-case names.
    /// </summary>
    bool TryGetHeader(string name, out StringValues values);

    /// <summary>
    /// Writes the SHA-256 (32 bytes) of the body exactly as received: for
    /// <c>Content-Encoding: gzip</c> that is the compressed bytes, which is what clients sign
    /// (protocol-notes §7). Called at most once per verification, and only when needed.
    /// </summary>
    void ComputePayloadSha256(scoped Span<byte> destination);
}
