using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.SigV4;

namespace Vigil.Protocol.Tests.TestSupport;

/// <summary>A gateway pipeline with test handlers, known keys and an in-memory audit sink, driven without sockets.</summary>
public sealed class GatewayHarness
{
    public const string AliceKey = "AKIAALICE00000000001";
    public const string AliceSecret = "alice-secret";

    public GatewayHarness(Action<OperationHandlers> register, bool noAuth = false)
    {
        Handlers = new OperationHandlers();
        register(Handlers);
        Credentials = new TestCredentials(noAuth);
        var options = new GatewayOptions();
        Pipeline = new GatewayPipeline(ServiceCatalog.All, Handlers, new RequestAuthenticator(Credentials, options, TimeProvider.System),
            Audit, options, TimeProvider.System, NullLogger<GatewayPipeline>.Instance);
    }

    public OperationHandlers Handlers { get; }
    public TestCredentials Credentials { get; }
    public MemoryAuditSink Audit { get; } = new();
    public GatewayPipeline Pipeline { get; }

    public sealed record Response(int Status, IHeaderDictionary Headers, byte[] Body)
    {
        public string Text => Encoding.UTF8.GetString(Body);
        public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v.ToString() : null;
    }

    /// <summary>Sends a request, signed as alice (or with the given key/secret) unless <paramref name="sign"/> is false.</summary>
    public async Task<Response> SendAsync(string method, string path, string query, Dictionary<string, string> headers, byte[] body,
        string service, bool sign = true, string key = AliceKey, string secret = AliceSecret, DateTimeOffset? signedAt = null, string host = "127.0.0.1:4566",
        CancellationToken aborted = default)
    {
        headers = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase) { ["Host"] = host };
        if (sign)
        {
            SigV4Signer.Sign(method, path, query, headers, body, key, secret, "us-east-1", service, signedAt ?? DateTimeOffset.UtcNow);
        }
        var ctx = new DefaultHttpContext();
        ctx.Request.Method = method;
        ctx.Request.Path = new PathString(path);
        if (query.Length > 0)
        {
            ctx.Request.QueryString = new QueryString("?" + query);
        }
        ctx.Features.Get<IHttpRequestFeature>()!.RawTarget = query.Length > 0 ? path + "?" + query : path;
        foreach (var (k, v) in headers)
        {
            ctx.Request.Headers[k] = v;
        }
        ctx.Request.Body = new MemoryStream(body);
        ctx.Request.ContentLength = body.Length;
        ctx.RequestAborted = aborted;
        var responseBody = new MemoryStream();
        ctx.Response.Body = responseBody;
        await Pipeline.HandleAsync(ctx);
        return new Response(ctx.Response.StatusCode, ctx.Response.Headers, responseBody.ToArray());
    }

    public Task<Response> JsonAsync(string target, string contentType, string json, string service, bool sign = true, string key = AliceKey, string secret = AliceSecret,
        string host = "127.0.0.1:4566") =>
        SendAsync("POST", "/", "", new() { ["X-Amz-Target"] = target, ["Content-Type"] = contentType }, Encoding.UTF8.GetBytes(json), service, sign, key, secret, host: host);

    public Task<Response> QueryAsync(string form, string service, bool sign = true, string key = AliceKey, string secret = AliceSecret) =>
        SendAsync("POST", "/", "", new() { ["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8" }, Encoding.UTF8.GetBytes(form), service, sign, key, secret);

    public Task<Response> CborAsync(string operation, byte[] body, string service = "monitoring", bool sign = true, string key = AliceKey, string secret = AliceSecret) =>
        SendAsync("POST", "/service/GraniteServiceVersion20100801/operation/" + operation, "",
            new() { ["Content-Type"] = "application/cbor", ["smithy-protocol"] = "rpc-v2-cbor", ["Accept"] = "application/cbor" }, body, service, sign, key, secret);
}

public sealed class TestCredentials(bool noAuth) : ICredentialResolver
{
    public static readonly CallerIdentity Alice = new("111111111111", "alice", "arn:aws:iam::111111111111:user/alice", "AIDAALICE", GatewayHarness.AliceKey);

    public CallerIdentity AnonymousIdentity => Alice;
    public bool SkipSignatureCheck => noAuth;

    public bool TryResolve(string accessKeyId, out string secretKey, out CallerIdentity identity)
    {
        if (accessKeyId == GatewayHarness.AliceKey)
        {
            secretKey = GatewayHarness.AliceSecret;
            identity = Alice;
            return true;
        }
        if (noAuth)
        {
            secretKey = "";
            identity = new CallerIdentity("999999999999", "dev", "arn:aws:iam::999999999999:user/dev", "AIDADEV", accessKeyId);
            return true;
        }
        secretKey = "";
        identity = null!;
        return false;
    }
}

public sealed class MemoryAuditSink : IServedCallSink
{
    private readonly List<ServedCall> _calls = [];

    public IReadOnlyList<ServedCall> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>When set, records complete (become "durable") only when this task does.</summary>
    public Task? Durable { get; set; }

    public ValueTask RecordAsync(ServedCall call, CancellationToken cancellationToken)
    {
        lock (_calls)
        {
            _calls.Add(call);
        }
        return Durable is { } durable ? new ValueTask(durable) : ValueTask.CompletedTask;
    }
}
