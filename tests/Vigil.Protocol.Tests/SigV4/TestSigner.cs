using System.Security.Cryptography;
using System.Text;

namespace Vigil.Protocol.Tests.SigV4;

/// <summary>
/// A deliberately naive SigV4 signer, written from the AWS documentation and botocore's
/// behaviour with plain strings, independent of the verifier's pooled-buffer code. Signing
/// with it and verifying with <c>SigV4Verifier</c> checks one against the other (STYLE.md §21).
/// </summary>
internal static class TestSigner
{
    public static TestRequest Sign(
        TestRequest request, string accessKeyId, string secret, string region, string service, DateTimeOffset time,
        bool useDateHeader = false, bool sendContentHash = false)
    {
        string amzDate = AmzDate(time);
        request = useDateHeader
            ? request.WithHeader("Date", time.UtcDateTime.ToString("r", System.Globalization.CultureInfo.InvariantCulture))
            : request.WithHeader("X-Amz-Date", amzDate);
        string payloadHash = request.Header("x-amz-content-sha256") ?? Convert.ToHexStringLower(SHA256.HashData(request.Body));
        if (sendContentHash)
        {
            request = request.WithHeader("x-amz-content-sha256", payloadHash);
        }

        string signedHeaders = string.Join(';', request.Headers.Select(h => h.Name.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal));
        string scope = $"{amzDate[..8]}/{region}/{service}/aws4_request";
        string signature = Signature(secret, amzDate, scope, CanonicalRequest(request, signedHeaders, payloadHash));
        return request.WithHeader(
            "Authorization",
            $"AWS4-HMAC-SHA256 Credential={accessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    /// <summary>Presigns the way botocore's query signer does: X-Amz-* parameters, host signed.</summary>
    public static TestRequest Presign(
        TestRequest request, string accessKeyId, string secret, string region, string service, DateTimeOffset time,
        int expiresSeconds, bool unsignedPayload, string? securityToken = null)
    {
        string amzDate = AmzDate(time);
        string scope = $"{amzDate[..8]}/{region}/{service}/aws4_request";
        List<string> parameters = string.IsNullOrEmpty(request.RawQuery) ? [] : [request.RawQuery];
        parameters.Add("X-Amz-Algorithm=AWS4-HMAC-SHA256");
        parameters.Add("X-Amz-Credential=" + Uri.EscapeDataString($"{accessKeyId}/{scope}"));
        parameters.Add("X-Amz-Date=" + amzDate);
        parameters.Add("X-Amz-Expires=" + expiresSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        parameters.Add("X-Amz-SignedHeaders=host");
        if (securityToken is not null)
        {
            parameters.Add("X-Amz-Security-Token=" + Uri.EscapeDataString(securityToken));
        }

        request = request with { RawQuery = string.Join('&', parameters) };
        string payloadHash = unsignedPayload ? "UNSIGNED-PAYLOAD" : Convert.ToHexStringLower(SHA256.HashData(request.Body));
        string signature = Signature(secret, amzDate, scope, CanonicalRequest(request, "host", payloadHash));
        return request with { RawQuery = request.RawQuery + "&X-Amz-Signature=" + signature };
    }

    public static string CanonicalRequest(TestRequest request, string signedHeaders, string payloadHash)
    {
        IEnumerable<string> headerLines = signedHeaders.Split(';').Select(name =>
            name + ":" + string.Join(',', request.Headers
                .Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))
                .Select(h => string.Join(' ', h.Value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)))) + "\n");
        return string.Join('\n', request.Method, CanonicalUri(request.RawPath), CanonicalQuery(request.RawQuery),
            string.Concat(headerLines), signedHeaders, payloadHash);
    }

    public static string SigningKeyHex(string secret, string date, string region, string service) =>
        Convert.ToHexStringLower(Key(secret, date, region, service));

    private static string CanonicalUri(string path)
    {
        // botocore remove_dot_segments (also drops empty segments), then quote(path, safe='/~').
        List<string> kept = [];
        foreach (string segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (kept.Count > 0)
                {
                    kept.RemoveAt(kept.Count - 1);
                }

                continue;
            }

            kept.Add(segment);
        }

        string normalized = (path.StartsWith('/') ? "/" : "") + string.Join('/', kept) + (kept.Count > 0 && path.EndsWith('/') ? "/" : "");
        return normalized.Length == 0 ? "/" : string.Join('/', normalized.Split('/').Select(Uri.EscapeDataString));
    }

    private static string CanonicalQuery(string query)
    {
        IEnumerable<string> pairs = query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair =>
            {
                int eq = pair.IndexOf('=', StringComparison.Ordinal);
                string key = eq < 0 ? pair : pair[..eq];
                string value = eq < 0 ? "" : pair[(eq + 1)..];
                return (Key: Encode(key), Value: Encode(value));
            })
            .Where(p => p.Key != "X-Amz-Signature")
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + p.Value);
        return string.Join('&', pairs);

        static string Encode(string raw) => Uri.EscapeDataString(Uri.UnescapeDataString(raw.Replace('+', ' ')));
    }

    private static string Signature(string secret, string amzDate, string scope, string canonicalRequest)
    {
        string stringToSign = string.Join('\n', "AWS4-HMAC-SHA256", amzDate, scope,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));
        string[] parts = scope.Split('/');
        byte[] key = Key(secret, parts[0], parts[1], parts[2]);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    private static byte[] Key(string secret, string date, string region, string service)
    {
        byte[] key = Encoding.UTF8.GetBytes("AWS4" + secret);
        foreach (string part in new[] { date, region, service, "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        return key;
    }

    private static string AmzDate(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
