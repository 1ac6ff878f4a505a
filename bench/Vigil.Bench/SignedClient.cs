using System.Net;
using Vigil.Protocol.SigV4;

namespace Vigil.Bench;

/// <summary>
/// AWS calls over keep-alive HTTP/1.1, each signed afresh with <see cref="SigV4Signer"/> (headers host, content-type,
/// x-amz-date and x-amz-target for JSON) as botocore signs them: CloudWatch ("monitoring", JSON 1.0 or awsQuery) by
/// default, CloudWatch Logs ("logs", JSON 1.1) with <see cref="ForLogs"/>.
/// </summary>
internal sealed class SignedClient : IDisposable
{
    public const string JsonContentType = "application/x-amz-json-1.0";
    public const string QueryContentType = "application/x-www-form-urlencoded; charset=utf-8";
    public const string TargetPrefix = "GraniteServiceVersion20100801.";

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly string _host;
    private readonly string _accessKey;
    private readonly string _secret;
    private readonly string _region;
    private readonly string _service;
    private readonly string _jsonContentType;
    private readonly string _targetPrefix;

    public SignedClient(Uri endpoint, int connections, string accessKey, string secret, string region,
        string service = "monitoring", string jsonContentType = JsonContentType, string targetPrefix = TargetPrefix)
    {
        _service = service;
        _jsonContentType = jsonContentType;
        _targetPrefix = targetPrefix;
        _endpoint = endpoint;
        _host = endpoint.IsDefaultPort ? endpoint.Host : endpoint.Authority;
        _accessKey = accessKey;
        _secret = secret;
        _region = region;
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        })
        { Timeout = TimeSpan.FromMinutes(10) };
    }

    /// <summary>Sends one call; <paramref name="target"/> is the JSON operation name, or null for an awsQuery form body.</summary>
    public async Task<(HttpStatusCode Status, byte[] Body)> SendAsync(byte[] body, string? target, CancellationToken ct = default)
    {
        var contentType = target is null ? QueryContentType : _jsonContentType;
        var headers = new Dictionary<string, string>(4, StringComparer.OrdinalIgnoreCase)
        {
            ["Host"] = _host,
            ["Content-Type"] = contentType,
        };
        if (target is not null)
        {
            headers["X-Amz-Target"] = _targetPrefix + target;
        }
        SigV4Signer.Sign("POST", _endpoint.AbsolutePath, "", headers, body, _accessKey, _secret, _region, _service, DateTimeOffset.UtcNow);

        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Version = HttpVersion.Version11, Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        foreach (var (name, value) in headers)
        {
            if (name is not ("Host" or "Content-Type"))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false));
    }

    /// <summary>Sends one RPCv2 CBOR call (as the newest Go, Ruby, PHP and Swift SDKs send CloudWatch's).</summary>
    public async Task<(HttpStatusCode Status, byte[] Body)> SendCborAsync(byte[] body, string operation, CancellationToken ct = default)
    {
        var path = $"/service/{TargetPrefix.TrimEnd('.')}/operation/{operation}";
        var headers = new Dictionary<string, string>(4, StringComparer.OrdinalIgnoreCase)
        {
            ["Host"] = _host,
            ["Content-Type"] = "application/cbor",
            ["smithy-protocol"] = "rpc-v2-cbor",
        };
        SigV4Signer.Sign("POST", path, "", headers, body, _accessKey, _secret, _region, _service, DateTimeOffset.UtcNow);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_endpoint, path)) { Version = HttpVersion.Version11, Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/cbor");
        request.Headers.TryAddWithoutValidation("Accept", "application/cbor");
        foreach (var (name, value) in headers)
        {
            if (name is not ("Host" or "Content-Type"))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false));
    }

    public static SignedClient ForLogs(Uri endpoint, int connections, string accessKey, string secret, string region) =>
        new(endpoint, connections, accessKey, secret, region, "logs", "application/x-amz-json-1.1", "Logs_20140328.");

    public void Dispose() => _http.Dispose();
}
