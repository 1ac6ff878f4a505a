using System.Text;
using Vigil.Protocol.SigV4;

namespace Vigil.Host.Tests.TestSupport;

/// <summary>An HttpClient that signs awsQuery calls with SigV4, for tests that need many real calls quickly.</summary>
public sealed class SignedClient(string endpoint, string accessKey, string secret) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(endpoint), Timeout = TimeSpan.FromSeconds(30) };

    public Task<(int Status, string? RequestId, string Body)> QueryAsync(string service, string form, CancellationToken ct = default) =>
        SendAsync(service, Encoding.UTF8.GetBytes(form), "application/x-www-form-urlencoded; charset=utf-8", null, ct);

    /// <summary>An awsJson 1.0 call (CloudWatch's JSON protocol): <paramref name="target"/> is the X-Amz-Target.</summary>
    public Task<(int Status, string? RequestId, string Body)> JsonAsync(string service, string target, string json, CancellationToken ct = default) =>
        SendAsync(service, Encoding.UTF8.GetBytes(json), "application/x-amz-json-1.0", target, ct);

    /// <summary>An awsJson 1.1 call (CloudWatch Logs and the other JSON services).</summary>
    public Task<(int Status, string? RequestId, string Body)> Json11Async(string service, string target, string json, CancellationToken ct = default) =>
        SendAsync(service, Encoding.UTF8.GetBytes(json), "application/x-amz-json-1.1", target, ct);

    private async Task<(int Status, string? RequestId, string Body)> SendAsync(string service, byte[] body, string contentType, string? target, CancellationToken ct)
    {
        var uri = new Uri(_http.BaseAddress!, "/");
        var headers = new Dictionary<string, string>
        {
            ["Host"] = uri.Authority,
            ["Content-Type"] = contentType,
        };
        if (target is not null)
        {
            headers["X-Amz-Target"] = target;
        }
        SigV4Signer.Sign("POST", "/", "", headers, body, accessKey, secret, "us-east-1", service, DateTimeOffset.UtcNow);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(headers["Content-Type"]);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", headers["X-Amz-Date"]);
        request.Headers.TryAddWithoutValidation("Authorization", headers["Authorization"]);
        if (target is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        }
        using var response = await _http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        var id = response.Headers.TryGetValues("x-amzn-RequestId", out var v) ? v.First() : null;
        return ((int)response.StatusCode, id, text);
    }

    public Task<(int Status, string? RequestId, string Body)> GetCallerIdentityAsync(CancellationToken ct = default) =>
        QueryAsync("sts", "Action=GetCallerIdentity&Version=2011-06-15", ct);

    public void Dispose() => _http.Dispose();
}
