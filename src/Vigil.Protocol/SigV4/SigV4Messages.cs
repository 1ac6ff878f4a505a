using System.Globalization;

namespace Vigil.Protocol.SigV4;

/// <summary>
/// Error messages in AWS's own wording, so clients and scripts that match on them (botocore's
/// clock-skew retry reads "Signature expired") behave as they do against AWS. Only the
/// failure path formats these, so allocation here does not matter.
/// </summary>
internal static class SigV4Messages
{
    public const string MissingAuthenticationToken = "Missing Authentication Token";

    public const string UnknownAccessKey = "The security token included in the request is invalid.";

    public const string SignatureMismatch =
        "The request signature we calculated does not match the signature you provided. "
        + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    public const string ContentHashMismatch = "The provided 'x-amz-content-sha256' header does not match what was computed.";

    public const string InvalidContentHashHeader =
        "x-amz-content-sha256 must be UNSIGNED-PAYLOAD or a hex SHA-256 digest of the payload.";

    public const string OnlyOneAuthMechanism =
        "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter "
        + "or the Authorization header should be specified";

    public const string PresignMissingParameters =
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, "
        + "X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.";

    public const string PresignExpired = "Request has expired";

    public const string MissingCredential = "Authorization header requires 'Credential' parameter. ";

    public const string MissingSignature = "Authorization header requires 'Signature' parameter. ";

    public const string MissingSignedHeaders = "Authorization header requires 'SignedHeaders' parameter. ";

    public const string MissingDate = "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";

    public static string UnsupportedAlgorithm(ReadOnlySpan<char> algorithm) =>
        $"Unsupported AWS 'algorithm': '{algorithm}'. Only AWS4-HMAC-SHA256 is supported.";

    public static string MissingEqualSign(ReadOnlySpan<char> pair) =>
        $"Invalid key=value pair (missing equal-sign) in Authorization header: '{pair}'.";

    public static string CredentialElements(ReadOnlySpan<char> credential) =>
        $"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{credential}'";

    public static string CredentialTerminator(ReadOnlySpan<char> terminator) =>
        $"Credential should be scoped with a valid terminator: 'aws4_request', not '{terminator}'.";

    public static string InvalidDate(ReadOnlySpan<char> value) =>
        $"Date must be in ISO-8601 'basic format'. Got '{value}'. See http://en.wikipedia.org/wiki/ISO_8601";

    public static string ScopeDateMismatch(ReadOnlySpan<char> scopeDate, ReadOnlySpan<char> amzDate) =>
        $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scopeDate}' != '{amzDate[..8]}', from '{amzDate}'.";

    public static string InvalidExpires(ReadOnlySpan<char> value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _)
            ? "X-Amz-Expires must be less than a week (in seconds) that is 604800"
            : $"X-Amz-Expires should be a number, got '{value}'";

    public static string SignatureExpired(DateTimeOffset requestTime, DateTimeOffset now, TimeSpan maxSkew) =>
        $"Signature expired: {SigV4Time.Format(requestTime)} is now earlier than {SigV4Time.Format(now - maxSkew)} "
        + $"({SigV4Time.Format(now)} - {maxSkew.TotalMinutes.ToString(CultureInfo.InvariantCulture)} min.)";

    public static string SignatureNotYetCurrent(DateTimeOffset requestTime, DateTimeOffset now, TimeSpan maxSkew) =>
        $"Signature not yet current: {SigV4Time.Format(requestTime)} is still later than {SigV4Time.Format(now + maxSkew)} "
        + $"({SigV4Time.Format(now)} + {maxSkew.TotalMinutes.ToString(CultureInfo.InvariantCulture)} min.)";
}
