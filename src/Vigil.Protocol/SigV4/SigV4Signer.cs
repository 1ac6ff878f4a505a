using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.Protocol.SigV4;

/// <summary>
/// Signs outgoing requests with SigV4 the way botocore does (header signing, SHA-256 payload hash, every
/// header given signed). Vigil's own clients use it: tests, the benchmark driver and, later, `vigil agent`.
/// Not on the server's hot path.
/// </summary>
public static class SigV4Signer
{
    /// <summary>
    /// Adds X-Amz-Date and Authorization to <paramref name="headers"/> (which must already hold Host and every
    /// header to sign). <paramref name="rawPath"/> and <paramref name="rawQuery"/> are as they go on the wire.
    /// </summary>
    public static void Sign(string method, string rawPath, string rawQuery, IDictionary<string, string> headers, ReadOnlySpan<byte> body,
        string accessKeyId, string secretKey, string region, string service, DateTimeOffset now)
    {
        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        headers["X-Amz-Date"] = amzDate;
        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(body));

        var sorted = headers.Where(h => !string.Equals(h.Key, "Authorization", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: string.Join(' ', h.Value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToList();
        var signedHeaders = string.Join(';', sorted.Select(h => h.Name));
        var canonical = new StringBuilder()
            .Append(method).Append('\n')
            .Append(CanonicalPath(rawPath)).Append('\n')
            .Append(CanonicalQuery(rawQuery)).Append('\n');
        foreach (var (name, value) in sorted)
        {
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }
        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);

        var scope = $"{date}/{region}/{service}/aws4_request";
        var signature = Signature(canonical.ToString(), amzDate, scope, secretKey, date, region, service);
        headers["Authorization"] = $"AWS4-HMAC-SHA256 Credential={accessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
    }

    /// <summary>
    /// A presigned query string (everything after '?', X-Amz-Signature last) for a request that signs only the
    /// host header, as presigned STS GetCallerIdentity URLs are made. <paramref name="rawQuery"/> holds the
    /// call's own parameters.
    /// </summary>
    public static string Presign(string method, string host, string rawPath, string rawQuery, ReadOnlySpan<byte> body,
        string accessKeyId, string secretKey, string region, string service, DateTimeOffset now, TimeSpan expires)
    {
        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var scope = $"{date}/{region}/{service}/aws4_request";
        var query = (rawQuery.Length > 0 ? rawQuery + "&" : "")
            + "X-Amz-Algorithm=AWS4-HMAC-SHA256"
            + "&X-Amz-Credential=" + Uri.EscapeDataString($"{accessKeyId}/{scope}")
            + "&X-Amz-Date=" + amzDate
            + "&X-Amz-Expires=" + ((long)expires.TotalSeconds).ToString(CultureInfo.InvariantCulture)
            + "&X-Amz-SignedHeaders=host";
        var canonical = $"{method}\n{CanonicalPath(rawPath)}\n{CanonicalQuery(query)}\nhost:{host}\n\nhost\n{Convert.ToHexStringLower(SHA256.HashData(body))}";
        return query + "&X-Amz-Signature=" + Signature(canonical, amzDate, scope, secretKey, date, region, service);
    }

    private static string Signature(string canonicalRequest, string amzDate, string scope, string secretKey, string date, string region, string service)
    {
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretKey), Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        key = HMACSHA256.HashData(key, "aws4_request"u8);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    /// <summary>Each segment URI-encoded once more (the rule for every service but S3).</summary>
    private static string CanonicalPath(string rawPath)
    {
        if (rawPath.Length == 0)
        {
            return "/";
        }
        return string.Join('/', rawPath.Split('/').Select(s => Uri.EscapeDataString(s)));
    }

    private static string CanonicalQuery(string rawQuery)
    {
        if (rawQuery.Length == 0)
        {
            return "";
        }
        return string.Join('&', rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p =>
            {
                var eq = p.IndexOf('=', StringComparison.Ordinal);
                var k = Uri.EscapeDataString(Uri.UnescapeDataString(eq < 0 ? p : p[..eq]));
                var v = eq < 0 ? "" : Uri.EscapeDataString(Uri.UnescapeDataString(p[(eq + 1)..].Replace('+', ' ')));
                return (k, v);
            })
            .OrderBy(p => p.k, StringComparer.Ordinal).ThenBy(p => p.v, StringComparer.Ordinal)
            .Select(p => p.k + "=" + p.v));
    }
}
