using System.Security.Cryptography;
using Microsoft.Extensions.Primitives;
using Vigil.Protocol.Codecs;

namespace Vigil.Protocol.SigV4;

/// <summary>
/// Verifies AWS Signature Version 4 (AWS4-HMAC-SHA256), header-signed or presigned, the way AWS
/// does for JSON and query services (not S3's path rules). Thread-safe; create one per process.
/// </summary>
/// <remarks>
/// Runs on every request, so the success path allocates only the access key id string: the
/// canonical request is built in a pooled buffer, hashes use the static one-shot APIs, signing
/// keys come from <see cref="SigningKeyCache"/>, and known header names are interned.
/// Check order, as AWS reports them: missing → incomplete → expired → unknown key → mismatch →
/// body hash. The signature is compared in constant time.
/// </remarks>
public sealed class SigV4Verifier
{
    /// <summary>How far the request time may be from the server clock either way.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(15);

    private const string UnsignedPayload = "UNSIGNED-PAYLOAD";

    // "AWS4-HMAC-SHA256\n" + date + "\n" ... the fixed start of every string to sign.
    private static ReadOnlySpan<byte> AlgorithmLine => "AWS4-HMAC-SHA256\n"u8;

    private readonly ISigV4SecretStore _secrets;
    private readonly TimeProvider _time;
    private readonly SigningKeyCache _keys = new();

    public SigV4Verifier(ISigV4SecretStore secrets, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        _secrets = secrets;
        _time = time ?? TimeProvider.System;
    }

    public SigV4Result Verify<TRequest>(TRequest request)
        where TRequest : ISigV4Request, allows ref struct => Verify(request, _time.GetUtcNow());

    public SigV4Result Verify<TRequest>(TRequest request, DateTimeOffset now)
        where TRequest : ISigV4Request, allows ref struct
    {
        SigV4Fields fields = default;
        SigV4Result failure;
        string rawQuery = request.RawQuery;
        bool queryAuth = rawQuery.Length > 0 && SigV4AuthParser.HasQueryAuth(rawQuery);
        if (request.TryGetHeader(SigV4HeaderNames.Authorization, out StringValues authorization) && authorization.Count > 0)
        {
            if (queryAuth)
            {
                return SigV4Result.Fail(SigV4FailureKind.IncompleteSignature, SigV4Messages.OnlyOneAuthMechanism);
            }

            if (!SigV4AuthParser.TryParseHeader(request, authorization[0] ?? "", ref fields, out failure))
            {
                return failure;
            }
        }
        else if (queryAuth)
        {
            if (!SigV4AuthParser.TryParseQuery(rawQuery, ref fields, out failure))
            {
                return failure;
            }
        }
        else
        {
            return SigV4Result.Fail(SigV4FailureKind.MissingAuthenticationToken, SigV4Messages.MissingAuthenticationToken);
        }

        string? expiredMessage = CheckTime(fields, now);
        if (expiredMessage is not null)
        {
            return SigV4Result.Fail(SigV4FailureKind.Expired, expiredMessage, PartialCredential(fields), fields.RequestTime, fields.IsPresigned);
        }

        string accessKeyId = fields.AccessKeyId.ToString();
        if (!_secrets.TryGetSecret(accessKeyId, out string? secret))
        {
            return SigV4Result.Fail(SigV4FailureKind.UnknownAccessKey, SigV4Messages.UnknownAccessKey, PartialCredential(fields), fields.RequestTime, fields.IsPresigned);
        }

        SigningKeyCache.Entry key = _keys.GetOrAdd(secret, fields.ScopeDate, fields.Region, fields.Service);
        SigV4Credential credential = new(accessKeyId, ScopeDate(fields), key.Region, key.Service);

        // Payload hash candidates: the signed header's value when sent; otherwise the body hash,
        // and for presigned URLs also UNSIGNED-PAYLOAD (S3-style presigners use it, the
        // generic ones in botocore and the JS SDK hash the body).
        Span<byte> bodyHashHex = stackalloc byte[64];
        Span<byte> claimedHash = stackalloc byte[32];
        scoped ReadOnlySpan<byte> first;
        scoped ReadOnlySpan<byte> second = default;
        bool checkBodyAgainstClaim = false;
        if (request.TryGetHeader(SigV4HeaderNames.XAmzContentSha256, out StringValues contentHash) && contentHash.Count > 0)
        {
            string claimed = contentHash[0] ?? "";
            if (string.Equals(claimed, UnsignedPayload, StringComparison.Ordinal))
            {
                first = "UNSIGNED-PAYLOAD"u8;
            }
            else if (claimed.Length == 64 && TryDecodeHex(claimed, claimedHash))
            {
                int length = System.Text.Encoding.ASCII.GetBytes(claimed, bodyHashHex);
                first = bodyHashHex[..length];
                checkBodyAgainstClaim = true;
            }
            else
            {
                return SigV4Result.Fail(SigV4FailureKind.IncompleteSignature, SigV4Messages.InvalidContentHashHeader, credential, fields.RequestTime, fields.IsPresigned);
            }
        }
        else
        {
            Span<byte> bodyHash = stackalloc byte[32];
            request.ComputePayloadSha256(bodyHash);
            WriteLowerHex(bodyHash, bodyHashHex);
            first = bodyHashHex;
            if (fields.IsPresigned)
            {
                second = "UNSIGNED-PAYLOAD"u8;
            }
        }

        Span<byte> provided = stackalloc byte[32];
        bool matched = fields.Signature.Length == 64
            && TryDecodeHex(fields.Signature, provided)
            && SignatureMatches(request, fields, key, provided, first, second);
        if (!matched)
        {
            return SigV4Result.Fail(SigV4FailureKind.SignatureMismatch, SigV4Messages.SignatureMismatch, credential, fields.RequestTime, fields.IsPresigned);
        }

        if (checkBodyAgainstClaim)
        {
            Span<byte> bodyHash = stackalloc byte[32];
            request.ComputePayloadSha256(bodyHash);
            if (!CryptographicOperations.FixedTimeEquals(bodyHash, claimedHash))
            {
                return SigV4Result.Fail(SigV4FailureKind.ContentHashMismatch, SigV4Messages.ContentHashMismatch, credential, fields.RequestTime, fields.IsPresigned);
            }
        }

        return SigV4Result.Success(credential, fields.RequestTime, fields.SecurityToken, fields.IsPresigned);
    }

    private static bool SignatureMatches<TRequest>(
        TRequest request,
        scoped in SigV4Fields fields,
        SigningKeyCache.Entry signingKey,
        scoped ReadOnlySpan<byte> provided,
        scoped ReadOnlySpan<byte> payloadHash,
        scoped ReadOnlySpan<byte> alternativePayloadHash)
        where TRequest : ISigV4Request, allows ref struct
    {
        Utf8Buffer buffer = new(2048);
        try
        {
            CanonicalRequest.WritePrefix(ref buffer, request, fields.SignedHeaders, excludeSignatureParameter: fields.IsPresigned);
            int prefixLength = buffer.Length;
            Span<byte> canonicalHash = stackalloc byte[32];
            Span<byte> computed = stackalloc byte[32];
            for (int attempt = 0; attempt < 2; attempt++)
            {
                ReadOnlySpan<byte> candidate = attempt == 0 ? payloadHash : alternativePayloadHash;
                if (attempt == 1 && candidate.IsEmpty)
                {
                    break;
                }

                buffer.Length = prefixLength;
                buffer.Append(candidate);
                int canonicalLength = buffer.Length;
                Sha256.Hash(buffer.Slice(0, canonicalLength), canonicalHash);

                buffer.Append(AlgorithmLine);
                buffer.AppendUtf16(fields.AmzDate);
                buffer.Append('\n');
                buffer.AppendUtf16(fields.Scope);
                buffer.Append('\n');
                buffer.AppendLowerHex(canonicalHash);
                signingKey.Sign(buffer.Slice(canonicalLength), computed);
                if (CryptographicOperations.FixedTimeEquals(computed, provided))
                {
                    return true;
                }
            }

            return false;
        }
        finally
        {
            buffer.Dispose();
        }
    }

    /// <summary>Null when the request time is acceptable, else AWS's message for why not.</summary>
    private static string? CheckTime(scoped in SigV4Fields fields, DateTimeOffset now)
    {
        DateTimeOffset requestTime = fields.RequestTime;
        if (requestTime - now > MaxClockSkew)
        {
            return SigV4Messages.SignatureNotYetCurrent(requestTime, now, MaxClockSkew);
        }

        if (fields.ExpiresSeconds >= 0)
        {
            return now > requestTime.AddSeconds(fields.ExpiresSeconds) ? SigV4Messages.PresignExpired : null;
        }

        return now - requestTime > MaxClockSkew ? SigV4Messages.SignatureExpired(requestTime, now, MaxClockSkew) : null;
    }

    private static DateOnly ScopeDate(scoped in SigV4Fields fields)
    {
        // Equal to the validated request date by now (SigV4AuthParser checked), so this parses.
        return SigV4Time.TryParseDate(fields.ScopeDate, out DateOnly date) ? date : default;
    }

    /// <summary>The scope for failure results, which are rare enough to allocate.</summary>
    private static SigV4Credential PartialCredential(scoped in SigV4Fields fields) =>
        new(fields.AccessKeyId.ToString(), ScopeDate(fields), fields.Region.ToString(), fields.Service.ToString());

    private static bool TryDecodeHex(ReadOnlySpan<char> hex, Span<byte> destination)
    {
        if (hex.Length != destination.Length * 2)
        {
            return false;
        }

        for (int i = 0; i < destination.Length; i++)
        {
            int high = AsciiHex.Value(hex[2 * i]);
            int low = AsciiHex.Value(hex[(2 * i) + 1]);
            if ((high | low) < 0)
            {
                return false;
            }

            destination[i] = (byte)((high << 4) | low);
        }

        return true;
    }

    private static void WriteLowerHex(ReadOnlySpan<byte> bytes, Span<byte> destination)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            destination[2 * i] = (byte)"0123456789abcdef"[bytes[i] >> 4];
            destination[(2 * i) + 1] = (byte)"0123456789abcdef"[bytes[i] & 0xf];
        }
    }
}
