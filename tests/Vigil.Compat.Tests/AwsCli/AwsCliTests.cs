using System.Text.Json;
using System.Text.RegularExpressions;
using Vigil.Compat.Tests.TestSupport;

namespace Vigil.Compat.Tests.AwsCli;

/// <summary>
/// The AWS CLI as a user runs it: `aws --endpoint-url … <service> <command> --output json`. The v1 CLI here (1.45)
/// speaks JSON 1.0 to CloudWatch and the v2 CLI (2.9) speaks awsQuery, so together they cover both error envelopes.
/// </summary>
[Collection(CompatCollection.Name)]
public sealed partial class AwsCliTests(CompatServer server, ITestOutputHelper output)
{
    [Theory]
    [ClientData(CompatClient.AwsCliV1)]
    [ClientData(CompatClient.AwsCliV2)]
    public async Task Sts_get_caller_identity_prints_each_users_own_account_and_arn(CompatClient client)
    {
        foreach (var user in new[] { CompatServer.Alice, CompatServer.Bob })
        {
            var run = await Aws(client, user, "sts", "get-caller-identity");

            run.ExitCode.ShouldBe(0, run.ToString());
            using var doc = JsonDocument.Parse(run.Stdout);
            var identity = doc.RootElement;
            identity.GetProperty("Account").GetString().ShouldBe(user.AccountId, run.ToString());
            identity.GetProperty("Arn").GetString().ShouldBe(user.Arn, run.ToString());
            identity.GetProperty("UserId").GetString().ShouldNotBeNullOrWhiteSpace(run.ToString());
        }
    }

    [Theory]
    [ClientData(CompatClient.AwsCliV1)]
    [ClientData(CompatClient.AwsCliV2)]
    public async Task Sts_with_a_wrong_secret_fails_with_SignatureDoesNotMatch(CompatClient client)
    {
        var run = await Aws(client, CompatServer.Alice.WithWrongSecret(), "sts", "get-caller-identity");

        ShouldFailWithServiceError(client, run, "SignatureDoesNotMatch", "GetCallerIdentity");
    }

    [Theory]
    [ClientData(CompatClient.AwsCliV1)]
    [ClientData(CompatClient.AwsCliV2)]
    public async Task Sts_with_an_unknown_access_key_fails_with_InvalidClientTokenId(CompatClient client)
    {
        var run = await Aws(client, CompatServer.Stranger, "sts", "get-caller-identity");

        ShouldFailWithServiceError(client, run, "InvalidClientTokenId", "GetCallerIdentity");
    }

    /// <summary>
    /// The same user-visible code through both CloudWatch protocols: v1 gets a JSON error whose x-amzn-query-error
    /// header carries InvalidClientTokenId, v2 an XML ErrorResponse. --debug shows which protocol went out.
    /// </summary>
    [Theory]
    [ClientData(CompatClient.AwsCliV1, "application/x-amz-json-1.0")]
    [ClientData(CompatClient.AwsCliV2, "application/x-www-form-urlencoded")]
    public async Task CloudWatch_with_an_unknown_access_key_fails_with_InvalidClientTokenId(CompatClient client, string requestContentType)
    {
        var run = await Aws(client, CompatServer.Stranger, "--debug", "cloudwatch", "list-metrics");

        var sent = CanonicalContentType().Match(run.Stderr);
        sent.Success.ShouldBeTrue($"--debug printed no canonical request\n{run}");
        sent.Groups[1].Value.ShouldStartWith(requestContentType, Case.Sensitive,
            $"{Clients.Get(client).Version} no longer sends CloudWatch as {requestContentType}; this row no longer covers that protocol");
        ShouldFailWithServiceError(client, run, "InvalidClientTokenId", "ListMetrics");
    }

    [Theory]
    [ClientData(CompatClient.AwsCliV1)]
    [ClientData(CompatClient.AwsCliV2)]
    public async Task Logs_with_an_unknown_access_key_fails_with_UnrecognizedClientException(CompatClient client)
    {
        var run = await Aws(client, CompatServer.Stranger, "logs", "describe-log-groups");

        ShouldFailWithServiceError(client, run, "UnrecognizedClientException", "DescribeLogGroups");
    }

    private Task<ProcessResult> Aws(CompatClient client, TestIdentity identity, params string[] command) =>
        server.AwsCliAsync(client, output, identity, command);

    /// <summary>
    /// What a script around the CLI sees: the documented exit code for a service error (v1 255, v2 254), nothing on
    /// stdout, and the "An error occurred (Code) when calling the Op operation" line on stderr.
    /// </summary>
    private static void ShouldFailWithServiceError(CompatClient client, ProcessResult run, string code, string operation)
    {
        run.ExitCode.ShouldBe(client == CompatClient.AwsCliV1 ? 255 : 254, run.ToString());
        run.Stdout.Trim().ShouldBeEmpty(run.ToString());
        var line = ServiceErrorLine().Match(run.Stderr);
        line.Success.ShouldBeTrue($"no 'An error occurred (…)' line on stderr\n{run}");
        line.Groups["code"].Value.ShouldBe(code, run.ToString());
        line.Groups["operation"].Value.ShouldBe(operation, run.ToString());
    }

    [GeneratedRegex(@"^An error occurred \((?<code>[^)]*)\) when calling the (?<operation>\w+) operation", RegexOptions.Multiline)]
    private static partial Regex ServiceErrorLine();

    /// <summary>The Content-Type line of the canonical request botocore logs under --debug.</summary>
    [GeneratedRegex(@"^content-type:(.*)$", RegexOptions.Multiline)]
    private static partial Regex CanonicalContentType();
}
