using System.Globalization;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace Vigil.Protocol.SigV4;

/// <summary>
/// The signing inputs of one request, as slices of the Authorization header (or of strings
/// decoded from a presigned query). Valid while those strings live; never stored.
/// </summary>
internal ref struct SigV4Fields
{
    public ReadOnlySpan<char> AccessKeyId;
    public ReadOnlySpan<char> ScopeDate;
    public ReadOnlySpan<char> Region;
    public ReadOnlySpan<char> Service;

    /// <summary><c>date/region/service/aws4_request</c>, verbatim, for the string to sign.</summary>
    public ReadOnlySpan<char> Scope;
    public ReadOnlySpan<char> SignedHeaders;
    public ReadOnlySpan<char> Signature;

    /// <summary>The request time in <c>yyyyMMddTHHmmssZ</c> form, as it goes into the string to sign.</summary>
    public ReadOnlySpan<char> AmzDate;
    public DateTimeOffset RequestTime;
    public bool IsPresigned;

    /// <summary>X-Amz-Expires of a presigned request in seconds; -1 when absent.</summary>
    public long ExpiresSeconds;
    public string? SecurityToken;
}

/// <summary>Parses the Authorization header or the presign query parameters into <see cref="SigV4Fields"/>.</summary>
internal static class SigV4AuthParser
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>AWS caps presigned URLs at seven days.</summary>
    public const long MaxExpiresSeconds = 604_800;

    /// <summary>
    /// True when the query carries X-Amz-Algorithm. Matches the raw key only: a client that
    /// percent-encodes that name is treated as unauthenticated, which fails closed.
    /// </summary>
    public static bool HasQueryAuth(ReadOnlySpan<char> rawQuery) => TryFindRaw(rawQuery, "X-Amz-Algorithm", out _);

    public static bool TryParseHeader<TRequest>(TRequest request, string authorization, ref SigV4Fields fields, out SigV4Result failure)
        where TRequest : ISigV4Request, allows ref struct
    {
        ReadOnlySpan<char> text = authorization.AsSpan().Trim();
        int space = text.IndexOf(' ');
        ReadOnlySpan<char> algorithm = space < 0 ? text : text[..space];
        if (!algorithm.SequenceEqual(Algorithm))
        {
            failure = SigV4Result.Fail(SigV4FailureKind.IncompleteSignature, SigV4Messages.UnsupportedAlgorithm(algorithm));
            return false;
        }

        ReadOnlySpan<char> credential = default;
        bool hasCredential = false, hasSignedHeaders = false, hasSignature = false;
        ReadOnlySpan<char> rest = space < 0 ? default : text[(space + 1)..];
        while (!rest.IsEmpty)
        {
            int comma = rest.IndexOf(',');
            ReadOnlySpan<char> part = (comma < 0 ? rest : rest[..comma]).Trim();
            rest = comma < 0 ? default : rest[(comma + 1)..];
            if (part.IsEmpty)
            {
                continue;
            }

            int eq = part.IndexOf('=');
            if (eq < 0)
            {
                failure = SigV4Result.Fail(SigV4FailureKind.IncompleteSignature, SigV4Messages.MissingEqualSign(part));
                return false;
            }

            // The first occurrence of each part wins; unknown parts are ignored, as AWS does.
            ReadOnlySpan<char> key = part[..eq].Trim();
            ReadOnlySpan<char> value = part[(eq + 1)..].Trim();
            if (!hasCredential && key is "Credential")
            {
                credential = value;
                hasCredential = true;
            }
            else if (!hasSignedHeaders && key is "SignedHeaders")
            {
                fields.SignedHeaders = value;
                hasSignedHeaders = !value.IsEmpty;
            }
            else if (!hasSignature && key is "Signature")
            {
                fields.Signature = value;
                hasSignature = true;
            }
        }

        bool hasDate = TryGetDateHeader(request, out string? dateValue, out bool isAmzDate);
        if (!(hasCredential && hasSignedHeaders && hasSignature && hasDate))
        {
            // AWS lists every missing part, then echoes the header.
            StringBuilder message = new();
            message.Append(hasCredential ? "" : SigV4Messages.MissingCredential);
            message.Append(hasSignature ? "" : SigV4Messages.MissingSignature);
            message.Append(hasSignedHeaders ? "" : SigV4Messages.MissingSignedHeaders);
            message.Append(hasDate ? "" : SigV4Messages.MissingDate);
            message.Append("Authorization=").Append(authorization);
            failure = SigV4Result.Fail(SigV4FailureKind.IncompleteSignature, message.ToString());
            return false;
        }

        if (isAmzDate)
        {
            if (!SetAmzDate(dateValue, ref fields, out failure))
            {
                return false;
            }
        }
        else
        {
            if (!SigV4Time.TryParseHttpDate(dateValue!, out DateTimeOffset date))
            {
                failure = SigV4Result.Fail(SigV4FailureKind.IncompleteSignature, SigV4Messages.InvalidDate(dateValue));
                return false;
            }

            // Clients that sign with Date still put the basic ISO form in the string to sign.
            fields.RequestTime = date;
            fields.AmzDate = SigV4Time.Format(date);
        }

        fields.ExpiresSeconds = -1;
        fields.SecurityToken = request.TryGetHeader(SigV4HeaderNames.XAmzSecurityToken, out StringValues token) && token.Count > 0
            ? token[0]
            : null;
        return TryParseCredential(credential, ref fields, out failure);
    }

    public static bool TryParseQuery(string rawQuery, ref SigV4Fields fields, out SigV4Result failure)
    {
        string? algorithm = GetDecoded(rawQuery, "X-Amz-Algorithm");
        if (!string.Equals(algorithm, Algorithm, StringComparison.Ordinal))
        {
            failure = SigV4Result.Fail(SigV4FailureKind.IncompleteSignature, SigV4Messages.UnsupportedAlgorithm(algorithm));
            return false;
        }

        string? credential = GetDecoded(rawQuery, "X-Amz-Credential");
        string? date = GetDecoded(rawQuery, "X-Amz-Date");
        string? signedHeaders = GetDecoded(rawQuery, "X-Amz-SignedHeaders");
        string? signature = GetDecoded(rawQuery, "X-Amz-Signature");
        if (credential is null || date is null || string.IsNullOrEmpty(signedHeaders) || signature is null)
        {
            failure = SigV4Result.Fail(SigV4FailureKind.IncompleteSignature, SigV4Messages.PresignMissingParameters);
            return false;
        }

        // X-Amz-Expires is optional outside S3; without it the 15-minute skew window applies.
        fields.ExpiresSeconds = -1;
        string? expires = GetDecoded(rawQuery, "X-Amz-Expires");
        if (expires is not null)
        {
            if (!long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) || seconds > MaxExpiresSeconds)
            {
                failure = SigV4Result.Fail(SigV4FailureKind.IncompleteSignature, SigV4Messages.InvalidExpires(expires));
                return false;
            }

            fields.ExpiresSeconds = seconds;
        }

        fields.IsPresigned = true;
        fields.SignedHeaders = signedHeaders;
        fields.Signature = signature;
        fields.SecurityToken = GetDecoded(rawQuery, "X-Amz-Security-Token");
        return SetAmzDate(date, ref fields, out failure) && TryParseCredential(credential, ref fields, out failure);
    }

    private static bool TryGetDateHeader<TRequest>(TRequest request, out string? value, out bool isAmzDate)
        where TRequest : ISigV4Request, allows ref struct
    {
        if (request.TryGetHeader(SigV4HeaderNames.XAmzDate, out StringValues values) && values.Count > 0)
        {
            (value, isAmzDate) = (values[0], true);
            return true;
        }

        isAmzDate = false;
        value = request.TryGetHeader(SigV4HeaderNames.Date, out values) && values.Count > 0 ? values[0] : null;
        return value is not null;
    }

    private static bool SetAmzDate(string? value, ref SigV4Fields fields, out SigV4Result failure)
    {
        if (!SigV4Time.TryParseAmzDate(value, out fields.RequestTime))
        {
            failure = SigV4Result.Fail(SigV4FailureKind.IncompleteSignature, SigV4Messages.InvalidDate(value));
            return false;
        }

        fields.AmzDate = value;
        failure = default;
        return true;
    }

    /// <summary>Splits <c>AKID/yyyyMMdd/region/service/aws4_request</c> and checks it against the request date.</summary>
    private static bool TryParseCredential(ReadOnlySpan<char> credential, ref SigV4Fields fields, out SigV4Result failure)
    {
        Span<Range> parts = stackalloc Range[6];
        int count = credential.Split(parts, '/');
        if (count != 5
            || credential[parts[0]].IsEmpty || credential[parts[1]].IsEmpty
            || credential[parts[2]].IsEmpty || credential[parts[3]].IsEmpty)
        {
            failure = SigV4Result.Fail(SigV4FailureKind.IncompleteSignature, SigV4Messages.CredentialElements(credential));
            return false;
        }

        ReadOnlySpan<char> terminator = credential[parts[4]];
        if (terminator is not "aws4_request")
        {
            failure = SigV4Result.Fail(SigV4FailureKind.IncompleteSignature, SigV4Messages.CredentialTerminator(terminator));
            return false;
        }

        fields.AccessKeyId = credential[parts[0]];
        fields.ScopeDate = credential[parts[1]];
        fields.Region = credential[parts[2]];
        fields.Service = credential[parts[3]];
        fields.Scope = credential[parts[1].Start..];

        // The request date was validated already, so equality also proves the scope date valid.
        if (!fields.ScopeDate.SequenceEqual(fields.AmzDate[..8]))
        {
            failure = SigV4Result.Fail(SigV4FailureKind.IncompleteSignature, SigV4Messages.ScopeDateMismatch(fields.ScopeDate, fields.AmzDate));
            return false;
        }

        failure = default;
        return true;
    }

    /// <summary>Decoded value of the first parameter whose raw key is <paramref name="key"/>; presign path only.</summary>
    private static string? GetDecoded(ReadOnlySpan<char> rawQuery, string key)
    {
        if (!TryFindRaw(rawQuery, key, out ReadOnlySpan<char> raw))
        {
            return null;
        }

        return raw.Contains('+') ? Uri.UnescapeDataString(raw.ToString().Replace('+', ' ')) : Uri.UnescapeDataString(raw);
    }

    private static bool TryFindRaw(ReadOnlySpan<char> rawQuery, ReadOnlySpan<char> key, out ReadOnlySpan<char> rawValue)
    {
        if (!rawQuery.IsEmpty && rawQuery[0] == '?')
        {
            rawQuery = rawQuery[1..];
        }

        while (!rawQuery.IsEmpty)
        {
            int amp = rawQuery.IndexOf('&');
            ReadOnlySpan<char> pair = amp < 0 ? rawQuery : rawQuery[..amp];
            rawQuery = amp < 0 ? default : rawQuery[(amp + 1)..];
            int eq = pair.IndexOf('=');
            if ((eq < 0 ? pair : pair[..eq]).SequenceEqual(key))
            {
                rawValue = eq < 0 ? default : pair[(eq + 1)..];
                return true;
            }
        }

        rawValue = default;
        return false;
    }
}
