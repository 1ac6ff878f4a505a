using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Vigil.Compat.Tests.TestSupport;
using Vigil.Host.Serve;

namespace Vigil.Compat.Tests.RawHttp;

/// <summary>
/// What the SDKs hide: headers, status codes and envelopes as they are on the wire. CloudWatch is checked in all
/// three protocols it arrives in (STYLE.md §19), for each way a request can fail authentication and for a good
/// signature, whatever the operation answers.
/// </summary>
[Collection(CompatCollection.Name)]
public sealed class RawHttpTests(CompatServer server)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Health_reports_ok_and_the_server_version()
    {
        using var response = await Http.GetAsync(new Uri($"{server.Endpoint}/_vigil/health"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/json");
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        doc.RootElement.GetProperty("status").GetString().ShouldBe("ok");
        doc.RootElement.GetProperty("version").GetString().ShouldBe(VigilServer.Version);
    }

    [Fact]
    public async Task Unsigned_query_GetCallerIdentity_gets_403_MissingAuthenticationToken_in_an_XML_ErrorResponse()
    {
        using var response = await Send(Sts(), signAs: null);
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden, body);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("text/xml", body);
        var root = XDocument.Parse(body).Root!;
        root.Name.LocalName.ShouldBe("ErrorResponse", body);
        Child(root, "Error", "Code").ShouldBe("MissingAuthenticationToken", body);
        Child(root, "Error", "Type").ShouldBe("Sender", body);
        Child(root, "RequestId").ShouldBe(RequestId(response), body);
    }

    /// <summary>botocore reads the request id from the XML body, the JS SDK from the header: they must agree.</summary>
    [Fact]
    public async Task Signed_query_GetCallerIdentity_returns_the_identity_and_one_request_id_in_header_and_body()
    {
        using var response = await Send(Sts(), CompatServer.Bob);
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("text/xml", body);
        var root = XDocument.Parse(body).Root!;
        root.Name.LocalName.ShouldBe("GetCallerIdentityResponse", body);
        Child(root, "GetCallerIdentityResult", "Account").ShouldBe(CompatServer.Bob.AccountId, body);
        Child(root, "GetCallerIdentityResult", "Arn").ShouldBe(CompatServer.Bob.Arn, body);
        Child(root, "ResponseMetadata", "RequestId").ShouldBe(RequestId(response), body);
    }

    [Fact]
    public async Task Each_response_has_its_own_request_id()
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await Send(Sts(), CompatServer.Alice);
            ids.Add(RequestId(response));
        }

        ids.Distinct().Count().ShouldBe(3, string.Join(", ", ids));
    }

    /// <summary>
    /// Every reply to a CloudWatch request, error or not, is in the envelope of the protocol the request came in:
    /// the Content-Type, smithy-protocol on CBOR (the Go SDK rejects a reply without it), a body the client can parse
    /// (a non-CBOR body crashes botocore and the JS SDK), and x-amzn-RequestId. JSON and CBOR errors also carry
    /// x-amzn-query-error, which botocore needs to report the query code.
    /// </summary>
    [Theory]
    [InlineData("query", "unsigned")]
    [InlineData("query", "unknown key")]
    [InlineData("query", "wrong secret")]
    [InlineData("query", "good signature")]
    [InlineData("json", "unsigned")]
    [InlineData("json", "unknown key")]
    [InlineData("json", "wrong secret")]
    [InlineData("json", "good signature")]
    [InlineData("cbor", "unsigned")]
    [InlineData("cbor", "unknown key")]
    [InlineData("cbor", "wrong secret")]
    [InlineData("cbor", "good signature")]
    public async Task Every_CloudWatch_reply_is_in_the_envelope_of_the_request_protocol(string protocol, string auth)
    {
        using var response = await Send(CloudWatchListMetrics(protocol), Signer(auth));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var shown = Show(response, bytes);
        var requestId = RequestId(response);
        var failed = (int)response.StatusCode >= 400;

        switch (protocol)
        {
            case "query":
                response.Content.Headers.ContentType?.MediaType.ShouldBe("text/xml", shown);
                var root = XDocument.Parse(Encoding.UTF8.GetString(bytes)).Root!;
                if (failed)
                {
                    root.Name.LocalName.ShouldBe("ErrorResponse", shown);
                    Child(root, "Error", "Code").ShouldNotBeNullOrWhiteSpace(shown);
                    Child(root, "RequestId").ShouldBe(requestId, shown);
                }
                else
                {
                    root.Name.LocalName.ShouldBe("ListMetricsResponse", shown);
                    Child(root, "ResponseMetadata", "RequestId").ShouldBe(requestId, shown);
                }
                break;
            case "json":
                response.Content.Headers.ContentType?.MediaType.ShouldBe("application/x-amz-json-1.0", shown);
                response.Headers.Contains("smithy-protocol").ShouldBeFalse(shown);
                using (var doc = JsonDocument.Parse(bytes))
                {
                    doc.RootElement.ValueKind.ShouldBe(JsonValueKind.Object, shown);
                    if (failed)
                    {
                        doc.RootElement.GetProperty("__type").GetString().ShouldNotBeNullOrWhiteSpace(shown);
                        (QueryError(response) ?? "").ShouldMatch(@"^\w+;(Sender|Receiver)$", shown);
                    }
                }
                break;
            default:
                response.Content.Headers.ContentType?.MediaType.ShouldBe("application/cbor", shown);
                Header(response, "smithy-protocol").ShouldBe("rpc-v2-cbor", shown);
                var map = MiniCbor.Decode(bytes).ShouldBeOfType<Dictionary<string, object?>>(shown);
                if (failed)
                {
                    map["__type"].ShouldBeOfType<string>(shown).ShouldNotBeNullOrWhiteSpace(shown);
                    (QueryError(response) ?? "").ShouldMatch(@"^\w+;(Sender|Receiver)$", shown);
                }
                break;
        }
    }

    /// <summary>
    /// The codes users see. Query carries the query code in &lt;Code&gt; with HTTP 403; JSON and CBOR carry the JSON
    /// shape name in __type and the query code in x-amzn-query-error, which botocore 1.43 and the JS SDK report as
    /// Error.Code / e.name.
    /// </summary>
    [Theory]
    [InlineData("query", "unsigned", "MissingAuthenticationToken", "")]
    [InlineData("query", "unknown key", "InvalidClientTokenId", "")]
    [InlineData("query", "wrong secret", "SignatureDoesNotMatch", "")]
    [InlineData("json", "unsigned", "MissingAuthenticationToken", "MissingAuthenticationTokenException")]
    [InlineData("json", "unknown key", "InvalidClientTokenId", "UnrecognizedClientException")]
    [InlineData("json", "wrong secret", "SignatureDoesNotMatch", "InvalidSignatureException")]
    [InlineData("cbor", "unsigned", "MissingAuthenticationToken", "MissingAuthenticationTokenException")]
    [InlineData("cbor", "unknown key", "InvalidClientTokenId", "UnrecognizedClientException")]
    [InlineData("cbor", "wrong secret", "SignatureDoesNotMatch", "InvalidSignatureException")]
    public async Task CloudWatch_authentication_failures_carry_the_query_error_code(string protocol, string auth, string queryCode, string shape)
    {
        using var response = await Send(CloudWatchListMetrics(protocol), Signer(auth));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var shown = Show(response, bytes);

        if (protocol == "query")
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Forbidden, shown);
            var error = XDocument.Parse(Encoding.UTF8.GetString(bytes)).Root!;
            Child(error, "Error", "Code").ShouldBe(queryCode, shown);
            Child(error, "Error", "Type").ShouldBe("Sender", shown);
            return;
        }
        ((int)response.StatusCode).ShouldBeOneOf([400, 403], shown);
        QueryError(response).ShouldBe($"{queryCode};Sender", shown);
        string type;
        if (protocol == "json")
        {
            using var doc = JsonDocument.Parse(bytes);
            type = doc.RootElement.GetProperty("__type").GetString()!;
        }
        else
        {
            type = MiniCbor.Decode(bytes).ShouldBeOfType<Dictionary<string, object?>>(shown)["__type"].ShouldBeOfType<string>(shown);
        }
        type.Split('#')[^1].ShouldBe(shape, shown);
    }

    private sealed record RawRequest(string Service, string Path, byte[] Body, Dictionary<string, string> Headers);

    private static RawRequest Sts() => new("sts", "/", Encoding.UTF8.GetBytes("Action=GetCallerIdentity&Version=2011-06-15"),
        new() { ["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8" });

    /// <summary>ListMetrics as each client family sends it (protocol notes §1, §3).</summary>
    private static RawRequest CloudWatchListMetrics(string protocol) => protocol switch
    {
        "query" => new("monitoring", "/", Encoding.UTF8.GetBytes("Action=ListMetrics&Version=2010-08-01"),
            new() { ["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8" }),
        "json" => new("monitoring", "/", "{}"u8.ToArray(), new()
        {
            ["Content-Type"] = "application/x-amz-json-1.0",
            ["X-Amz-Target"] = "GraniteServiceVersion20100801.ListMetrics",
            ["x-amzn-query-mode"] = "true",
        }),
        "cbor" => new("monitoring", "/service/GraniteServiceVersion20100801/operation/ListMetrics", [0xa0], new()
        {
            ["Content-Type"] = "application/cbor",
            ["smithy-protocol"] = "rpc-v2-cbor",
            ["Accept"] = "application/cbor",
            ["x-amzn-query-mode"] = "true",
        }),
        _ => throw new ArgumentOutOfRangeException(nameof(protocol)),
    };

    private static TestIdentity? Signer(string auth) => auth switch
    {
        "unsigned" => null,
        "unknown key" => CompatServer.Stranger,
        "wrong secret" => CompatServer.Alice.WithWrongSecret(),
        "good signature" => CompatServer.Alice,
        _ => throw new ArgumentOutOfRangeException(nameof(auth)),
    };

    private async Task<HttpResponseMessage> Send(RawRequest raw, TestIdentity? signAs)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"{server.Endpoint}{raw.Path}"));
        request.Content = new ByteArrayContent(raw.Body);
        foreach (var (name, value) in raw.Headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value).ShouldBeTrue();
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value).ShouldBeTrue();
            }
        }
        if (signAs is not null)
        {
            RawSigV4.Sign(request, raw.Body, raw.Headers, signAs, raw.Service, CompatServer.Region, DateTimeOffset.UtcNow);
        }
        return await Http.SendAsync(request);
    }

    private static string RequestId(HttpResponseMessage response)
    {
        var id = Header(response, "x-amzn-RequestId");
        id.ShouldNotBeNullOrWhiteSpace($"no x-amzn-RequestId on {(int)response.StatusCode} {response.RequestMessage?.RequestUri}");
        return id!;
    }

    private static string? QueryError(HttpResponseMessage response) => Header(response, "x-amzn-query-error");

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private static string? Child(XElement element, params string[] path)
    {
        XElement? e = element;
        foreach (var name in path)
        {
            e = e?.Elements().FirstOrDefault(c => c.Name.LocalName == name);
        }
        return e?.Value;
    }

    /// <summary>The response as text for assertion messages; CBOR bodies as hex.</summary>
    private static string Show(HttpResponseMessage response, byte[] body)
    {
        var headers = string.Join('\n', response.Headers.Concat(response.Content.Headers).Select(h => $"{h.Key}: {string.Join(",", h.Value)}"));
        var isCbor = response.Content.Headers.ContentType is MediaTypeHeaderValue { MediaType: "application/cbor" };
        return $"HTTP {(int)response.StatusCode}\n{headers}\n\n{(isCbor ? Convert.ToHexString(body) : Encoding.UTF8.GetString(body))}";
    }
}
