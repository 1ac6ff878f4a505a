using Vigil.Compat.Tests.TestSupport;

namespace Vigil.Compat.Tests.Boto3;

/// <summary>
/// boto3 as a Python program uses it: values from the response dict, and ClientError with
/// e.response['Error']['Code'] on failure. Scripts/boto3_compat.py does one call per run and prints what it got.
/// The JSON-era boto3 (1.43 here) speaks JSON 1.0 to CloudWatch and can be forced onto CBOR; the query-era one
/// (Debian's 1.26) speaks awsQuery.
/// </summary>
[Collection(CompatCollection.Name)]
public sealed class Boto3Tests(CompatServer server, ITestOutputHelper output)
{
    [Theory]
    [ClientData(CompatClient.Boto3Json)]
    [ClientData(CompatClient.Boto3Query)]
    public async Task Sts_get_caller_identity_returns_each_users_account_arn_and_a_request_id(CompatClient client)
    {
        foreach (var user in new[] { CompatServer.Alice, CompatServer.Bob })
        {
            using var r = await Boto3(client, user, "sts", "get_caller_identity");

            r.Ok.ShouldBeTrue(r.ToString());
            r.Text("result.Account").ShouldBe(user.AccountId, r.ToString());
            r.Text("result.Arn").ShouldBe(user.Arn, r.ToString());
            r.Text("result.UserId").ShouldNotBeNullOrWhiteSpace(r.ToString());
            r.Text("request_id").ShouldNotBeNullOrWhiteSpace(r.ToString());
            r.Text("http_status").ShouldBe("200", r.ToString());
        }
    }

    [Theory]
    [ClientData(CompatClient.Boto3Json)]
    [ClientData(CompatClient.Boto3Query)]
    public async Task Sts_with_a_wrong_secret_raises_ClientError_SignatureDoesNotMatch(CompatClient client)
    {
        using var r = await Boto3(client, CompatServer.Alice.WithWrongSecret(), "sts", "get_caller_identity");

        ShouldBeClientError(r, "SignatureDoesNotMatch");
        r.Text("http_status").ShouldBe("403", r.ToString());
    }

    [Theory]
    [ClientData(CompatClient.Boto3Json)]
    [ClientData(CompatClient.Boto3Query)]
    public async Task Sts_with_an_unknown_access_key_raises_ClientError_InvalidClientTokenId(CompatClient client)
    {
        using var r = await Boto3(client, CompatServer.Stranger, "sts", "get_caller_identity");

        ShouldBeClientError(r, "InvalidClientTokenId");
        r.Text("http_status").ShouldBe("403", r.ToString());
    }

    /// <summary>
    /// Error.Code must be the query code on every protocol. On JSON and CBOR botocore takes it from the
    /// x-amzn-query-error header and keeps the shape name of __type in Error.QueryErrorCode.
    /// </summary>
    [Theory]
    [ClientData(CompatClient.Boto3Json, "json")]
    [ClientData(CompatClient.Boto3Json, "cbor")]
    [ClientData(CompatClient.Boto3Query, "query")]
    public async Task CloudWatch_with_an_unknown_access_key_raises_ClientError_InvalidClientTokenId(CompatClient client, string protocol)
    {
        using var r = await CloudWatch(client, CompatServer.Stranger, protocol);

        ShouldBeClientError(r, "InvalidClientTokenId");
        if (protocol != "query")
        {
            r.Text("query_error_code").ShouldBe("UnrecognizedClientException", r.ToString());
        }
    }

    [Theory]
    [ClientData(CompatClient.Boto3Json, "json")]
    [ClientData(CompatClient.Boto3Json, "cbor")]
    [ClientData(CompatClient.Boto3Query, "query")]
    public async Task CloudWatch_with_a_wrong_secret_raises_ClientError_SignatureDoesNotMatch(CompatClient client, string protocol)
    {
        using var r = await CloudWatch(client, CompatServer.Alice.WithWrongSecret(), protocol);

        ShouldBeClientError(r, "SignatureDoesNotMatch");
        if (protocol != "query")
        {
            r.Text("query_error_code").ShouldBe("InvalidSignatureException", r.ToString());
        }
    }

    /// <summary>Logs is plain awsJson1_1 (not query-compatible): the code is the shape name, a modeled exception class.</summary>
    [Theory]
    [ClientData(CompatClient.Boto3Json)]
    [ClientData(CompatClient.Boto3Query)]
    public async Task Logs_with_an_unknown_access_key_raises_UnrecognizedClientException(CompatClient client)
    {
        using var r = await Boto3(client, CompatServer.Stranger, "logs", "describe_log_groups");

        r.Ok.ShouldBeFalse(r.ToString());
        r.Text("code").ShouldBe("UnrecognizedClientException", r.ToString());
        r.Text("exception_class").ShouldBe("UnrecognizedClientException", r.ToString());
        r.Text("caught_as_client_error").ShouldBe("true", r.ToString());
        r.Text("request_id").ShouldNotBeNullOrWhiteSpace(r.ToString());
    }

    private async Task<ScriptOutcome> CloudWatch(CompatClient client, TestIdentity identity, string protocol)
    {
        var r = await Boto3(client, identity, "cloudwatch", "list_metrics", protocol == "cbor" ? ["--cbor"] : []);
        var (contentType, smithy) = protocol switch
        {
            "json" => ("application/x-amz-json-1.0", null),
            "cbor" => ("application/cbor", "rpc-v2-cbor"),
            _ => ("application/x-www-form-urlencoded", (string?)null),
        };
        (r.Text("wire.content_type") ?? "").ShouldStartWith(contentType, Case.Sensitive,
            $"this boto3 no longer sends CloudWatch as {protocol}; the row no longer covers that protocol\n{r}");
        r.Text("wire.smithy_protocol").ShouldBe(smithy, r.ToString());
        return r;
    }

    private async Task<ScriptOutcome> Boto3(CompatClient client, TestIdentity identity, string service, string operation, params string[] extra)
    {
        var install = Clients.Get(client);
        var script = Path.Combine(Clients.ScriptsDirectory, "boto3_compat.py");
        var run = await server.RunAsync(install.RequireProgram(), [script, service, operation, .. extra], identity);
        output.WriteLine($"{client}: {install.Version}\n{run}");
        return ScriptOutcome.From(run);
    }

    /// <summary>
    /// An auth failure is a common error, not one CloudWatch or STS models: botocore raises the ClientError base class,
    /// which `except client.exceptions.ClientError` catches, and the request id is still there to quote.
    /// </summary>
    private static void ShouldBeClientError(ScriptOutcome r, string code)
    {
        r.Ok.ShouldBeFalse(r.ToString());
        r.Text("code").ShouldBe(code, r.ToString());
        r.Text("type").ShouldBe("Sender", r.ToString());
        r.Text("message").ShouldNotBeNullOrWhiteSpace(r.ToString());
        r.Text("exception_class").ShouldBe("ClientError", r.ToString());
        r.Text("caught_as_client_error").ShouldBe("true", r.ToString());
        r.Text("request_id").ShouldNotBeNullOrWhiteSpace(r.ToString());
    }
}
