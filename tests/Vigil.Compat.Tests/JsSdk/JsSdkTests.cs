using Vigil.Compat.Tests.TestSupport;

namespace Vigil.Compat.Tests.JsSdk;

/// <summary>
/// The AWS SDK for JavaScript v3 (versions pinned in tests/compat-js/package-lock.json) through
/// tests/compat-js/compat.mjs: one command per run, printing e.name, e.Code and e.$metadata as the caller sees them.
/// This build of @aws-sdk/client-cloudwatch speaks JSON 1.0 (awsQueryCompatible); the CBOR row forces
/// AwsSmithyRpcV2CborProtocol, the protocol the Go, Ruby and PHP SDKs use.
/// </summary>
[Collection(CompatCollection.Name)]
public sealed class JsSdkTests(CompatServer server, ITestOutputHelper output)
{
    [ClientFact(CompatClient.JsSdkV3)]
    public async Task Sts_GetCallerIdentity_returns_each_users_account_arn_and_request_id()
    {
        foreach (var user in new[] { CompatServer.Alice, CompatServer.Bob })
        {
            using var r = await Node(CompatClient.JsSdkV3, user, "sts", "GetCallerIdentity");

            r.Ok.ShouldBeTrue(r.ToString());
            r.Text("result.Account").ShouldBe(user.AccountId, r.ToString());
            r.Text("result.Arn").ShouldBe(user.Arn, r.ToString());
            r.Text("result.UserId").ShouldNotBeNullOrWhiteSpace(r.ToString());
            r.Text("metadata.httpStatusCode").ShouldBe("200", r.ToString());
            r.Text("metadata.requestId").ShouldNotBeNullOrWhiteSpace(r.ToString());
        }
    }

    [ClientFact(CompatClient.JsSdkV3)]
    public async Task Sts_with_a_wrong_secret_throws_SignatureDoesNotMatch()
    {
        using var r = await Node(CompatClient.JsSdkV3, CompatServer.Alice.WithWrongSecret(), "sts", "GetCallerIdentity");

        ShouldBeServiceError(r, "SignatureDoesNotMatch", "STSServiceException");
        r.Text("Code").ShouldBe("SignatureDoesNotMatch", r.ToString());
        r.Text("httpStatusCode").ShouldBe("403", r.ToString());
    }

    /// <summary>
    /// With awsQueryCompatible the SDK names the error after the x-amzn-query-error code, so e.name and e.Code are
    /// both InvalidClientTokenId although __type says UnrecognizedClientException; the status is whatever the
    /// server sent (a 4xx), which no caller should depend on.
    /// </summary>
    [Theory]
    [ClientData(CompatClient.JsSdkV3, "json")]
    [ClientData(CompatClient.JsSdkV3, "cbor")]
    public async Task CloudWatch_with_an_unknown_access_key_throws_InvalidClientTokenId(CompatClient client, string protocol)
    {
        using var r = await CloudWatch(client, CompatServer.Stranger, protocol);

        ShouldBeServiceError(r, "InvalidClientTokenId", "CloudWatchServiceException");
        r.Text("Code").ShouldBe("InvalidClientTokenId", r.ToString());
        r.Text("Type").ShouldBe("Sender", r.ToString());
        r.Text("httpStatusCode").ShouldBeOneOf(["400", "403"], r.ToString());
    }

    [Theory]
    [ClientData(CompatClient.JsSdkV3, "json")]
    [ClientData(CompatClient.JsSdkV3, "cbor")]
    public async Task CloudWatch_with_a_wrong_secret_throws_SignatureDoesNotMatch(CompatClient client, string protocol)
    {
        using var r = await CloudWatch(client, CompatServer.Alice.WithWrongSecret(), protocol);

        ShouldBeServiceError(r, "SignatureDoesNotMatch", "CloudWatchServiceException");
        r.Text("Code").ShouldBe("SignatureDoesNotMatch", r.ToString());
    }

    /// <summary>Logs models UnrecognizedClientException, so the SDK throws that class.</summary>
    [ClientFact(CompatClient.JsSdkV3)]
    public async Task Logs_with_an_unknown_access_key_throws_UnrecognizedClientException()
    {
        using var r = await Node(CompatClient.JsSdkV3, CompatServer.Stranger, "logs", "DescribeLogGroups");

        ShouldBeServiceError(r, "UnrecognizedClientException", "UnrecognizedClientException");
        r.Text("wire.content_type").ShouldBe("application/x-amz-json-1.1", r.ToString());
    }

    private async Task<ScriptOutcome> CloudWatch(CompatClient client, TestIdentity identity, string protocol)
    {
        var r = await Node(client, identity, "cloudwatch", "ListMetrics", protocol == "cbor" ? ["--cbor"] : []);
        var (contentType, smithy) = protocol == "cbor" ? ("application/cbor", "rpc-v2-cbor") : ("application/x-amz-json-1.0", (string?)null);
        r.Text("wire.content_type").ShouldBe(contentType,
            $"this SDK build no longer sends CloudWatch as {protocol}; the row no longer covers that protocol\n{r}");
        r.Text("wire.smithy_protocol").ShouldBe(smithy, r.ToString());
        return r;
    }

    private async Task<ScriptOutcome> Node(CompatClient client, TestIdentity identity, string service, string operation, params string[] extra)
    {
        var install = Clients.Get(client);
        var dir = install.Directory!;
        var run = await server.RunAsync(install.RequireProgram(), [Path.Combine(dir, "compat.mjs"), service, operation, .. extra], identity, dir);
        output.WriteLine($"{client}: {install.Version}\n{run}");
        return ScriptOutcome.From(run);
    }

    /// <summary>A modeled or generic service exception (not a parse failure or a network error), with a request id.</summary>
    private static void ShouldBeServiceError(ScriptOutcome r, string name, string errorClass)
    {
        r.Ok.ShouldBeFalse(r.ToString());
        r.Text("name").ShouldBe(name, r.ToString());
        r.Text("errorClass").ShouldBe(errorClass, r.ToString());
        r.Text("isServiceException").ShouldBe("true", r.ToString());
        r.Text("fault").ShouldBe("client", r.ToString());
        r.Text("message").ShouldNotBeNullOrWhiteSpace(r.ToString());
        r.Text("requestId").ShouldNotBeNullOrWhiteSpace(r.ToString());
    }
}
