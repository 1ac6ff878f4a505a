namespace Vigil.Protocol.SigV4;

/// <summary>
/// Why a request failed verification. The gateway maps each kind to the client protocol's
/// code: JSON services answer MissingAuthenticationTokenException, IncompleteSignatureException,
/// UnrecognizedClientException and InvalidSignatureException; query services answer
/// MissingAuthenticationToken, IncompleteSignature, InvalidClientTokenId and SignatureDoesNotMatch.
/// </summary>
public enum SigV4FailureKind
{
    None,

    /// <summary>Neither an Authorization header nor X-Amz-Algorithm in the query.</summary>
    MissingAuthenticationToken,

    /// <summary>
    /// Malformed Authorization or presign parameters: a missing part, a bad credential scope, a
    /// missing or malformed date, a scope date that differs from the request date, both auth
    /// mechanisms at once, an unsupported algorithm or x-amz-content-sha256 value.
    /// </summary>
    IncompleteSignature,

    /// <summary>The access key id is not known to the secret store.</summary>
    UnknownAccessKey,

    /// <summary>The signature does not match what the secret key gives.</summary>
    SignatureMismatch,

    /// <summary>
    /// The request time is more than 15 minutes from the server clock, or a presigned URL is
    /// past its X-Amz-Expires. AWS reports skew as InvalidSignatureException (JSON) or
    /// SignatureDoesNotMatch (query) with a "Signature expired" message.
    /// </summary>
    Expired,

    /// <summary>
    /// The signature is good but the body's SHA-256 differs from the signed
    /// x-amz-content-sha256 header: the body was changed after signing.
    /// </summary>
    ContentHashMismatch,
}
