using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Microsoft.Extensions.Primitives;
using Vigil.Protocol.Codecs;
using Vigil.Protocol.Errors;
using Vigil.Protocol.SigV4;

namespace Vigil.Protocol.Gateway;

/// <summary>The outcome of authentication: who is calling and for which region.</summary>
public readonly record struct AuthResult(CallerIdentity Identity, string? AccessKeyId, string? Region);

/// <summary>
/// Verifies SigV4 (header or presigned query) and maps the access key to an identity. Failures are
/// raised as the error codes the client's protocol family expects (query: InvalidClientTokenId,
/// SignatureDoesNotMatch; JSON: UnrecognizedClientException, InvalidSignatureException). Thread-safe.
/// </summary>
public sealed class RequestAuthenticator(ICredentialResolver credentials, GatewayOptions options, TimeProvider time)
{
    private readonly SigV4Verifier _verifier = new(new SecretStore(credentials), time);

    public AuthResult Authenticate(WireRequest request, ReadOnlyMemory<byte> rawBody, RequestRoute route)
    {
        var queryStyle = route.QueryStyleErrors;
        var signed = request.Header("Authorization") is not null || request.Query.Contains("X-Amz-Signature=", StringComparison.Ordinal);
        if (!signed)
        {
            if (IsUnsignedSampling(route) || credentials.SkipSignatureCheck)
            {
                return new AuthResult(credentials.AnonymousIdentity, null, null);
            }
            throw GatewayErrors.MissingAuthentication(queryStyle, queryStyle ? "Request is missing Authentication Token" : "Missing Authentication Token");
        }

        if (credentials.SkipSignatureCheck)
        {
            // Development mode: the key still names the caller (and so the account), the signature is not checked.
            if (ProtocolDetector.SigV4Scope(request) is { } scope && credentials.TryResolve(scope[0], out _, out var devIdentity))
            {
                return new AuthResult(devIdentity, scope[0], scope[2]);
            }
            return new AuthResult(credentials.AnonymousIdentity, null, null);
        }

        var result = _verifier.Verify(new WireSigV4Request(request, rawBody));
        if (result.Succeeded)
        {
            credentials.TryResolve(result.Credential.AccessKeyId, out _, out var identity);
            return new AuthResult(identity, result.Credential.AccessKeyId, result.Credential.Region);
        }
        throw result.Failure switch
        {
            SigV4FailureKind.MissingAuthenticationToken => GatewayErrors.MissingAuthentication(queryStyle, result.Message ?? "Missing Authentication Token"),
            SigV4FailureKind.IncompleteSignature => GatewayErrors.IncompleteSignature(queryStyle, result.Message ?? "Incomplete signature"),
            SigV4FailureKind.UnknownAccessKey => GatewayErrors.UnknownAccessKey(queryStyle),
            _ => GatewayErrors.SignatureMismatch(queryStyle, result.Message ?? GatewayErrors.SignatureMismatchMessage),
        };
    }

    private bool IsUnsignedSampling(RequestRoute route) =>
        options.AllowUnsignedXRaySampling
        && route.Service?.SigningName == "xray"
        && route.OperationName is "GetSamplingRules" or "GetSamplingTargets";

    private sealed class SecretStore(ICredentialResolver credentials) : ISigV4SecretStore
    {
        public bool TryGetSecret(string accessKeyId, [NotNullWhen(true)] out string? secretAccessKey)
        {
            if (credentials.TryResolve(accessKeyId, out var secret, out _))
            {
                secretAccessKey = secret;
                return true;
            }
            secretAccessKey = null;
            return false;
        }
    }

    /// <summary>The gateway's request seen through the verifier's interface; a struct so the generic verifier does not box it.</summary>
    private readonly struct WireSigV4Request(WireRequest request, ReadOnlyMemory<byte> rawBody) : ISigV4Request
    {
        public string Method => request.Method;
        public string RawPath => request.Path;
        public string RawQuery => request.Query;

        public bool TryGetHeader(string name, out StringValues values)
        {
            var v = request.Header(name);
            values = v ?? StringValues.Empty;
            return v is not null;
        }

        public void ComputePayloadSha256(scoped Span<byte> destination) => Sha256.Hash(rawBody.Span, destination);
    }
}
