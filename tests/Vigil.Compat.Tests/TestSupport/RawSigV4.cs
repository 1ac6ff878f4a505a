using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.Compat.Tests.TestSupport;

/// <summary>
/// A minimal SigV4 signer for the raw HTTP tests, written from the AWS documentation and independent of the
/// server's own code: a bug shared by signer and verifier would otherwise go unnoticed. POST to "/" or to a path
/// of unreserved characters, no query string; signs host, x-amz-date and every header passed in.
/// </summary>
public static class RawSigV4
{
    public static void Sign(HttpRequestMessage request, byte[] body, IReadOnlyDictionary<string, string> headers,
        TestIdentity identity, string service, string region, DateTimeOffset now)
    {
        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var uri = request.RequestUri!;
        var signed = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}",
            ["x-amz-date"] = amzDate,
        };
        foreach (var (name, value) in headers)
        {
            signed[name.ToLowerInvariant()] = value.Trim();
        }
        var signedHeaders = string.Join(';', signed.Keys);
        var canonicalRequest = string.Join('\n',
            request.Method.Method,
            uri.AbsolutePath,
            "",
            string.Concat(signed.Select(h => $"{h.Key}:{h.Value}\n")),
            signedHeaders,
            Hex(SHA256.HashData(body)));
        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = string.Join('\n', "AWS4-HMAC-SHA256", amzDate, scope, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));
        var key = Encoding.UTF8.GetBytes("AWS4" + identity.SecretAccessKey);
        foreach (var part in new[] { date, region, service, "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }
        var signature = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));

        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential={identity.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
