using System.Text.Json;
using System.Text.RegularExpressions;
using Vigil.Compat.Tests.TestSupport;

namespace Vigil.Compat.Tests.Logs;

/// <summary>
/// The AWS CLI v1 (1.45) and v2 (2.9) working with CloudWatch Logs as a user types it: create, put, get, filter,
/// describe with statistics, retention, and errors with the CLI's exit code and message.
/// </summary>
[Collection(CompatCollection.Name)]
public sealed partial class LogsCliTests(CompatServer server, ITestOutputHelper output)
{
    [Theory]
    [ClientData(CompatClient.AwsCliV1)]
    [ClientData(CompatClient.AwsCliV2)]
    public async Task Put_get_filter_and_describe(CompatClient client)
    {
        var group = $"/cli/{client}-{Guid.NewGuid():N}"[..30];
        var t = (DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds() / 1000) * 1000;
        (await Aws(client, "logs", "create-log-group", "--log-group-name", group)).ExitCode.ShouldBe(0);
        (await Aws(client, "logs", "create-log-stream", "--log-group-name", group, "--log-stream-name", "app")).ExitCode.ShouldBe(0);
        var put = await Aws(client, "logs", "put-log-events", "--log-group-name", group, "--log-stream-name", "app",
            "--log-events", $"timestamp={t},message=hello world", $"timestamp={t + 1000},message=ERROR boom");
        put.ExitCode.ShouldBe(0, put.ToString());

        var get = await Aws(client, "logs", "get-log-events", "--log-group-name", group, "--log-stream-name", "app", "--start-from-head");
        get.ExitCode.ShouldBe(0, get.ToString());
        using (var doc = JsonDocument.Parse(get.Stdout))
        {
            doc.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("message").GetString()).ShouldBe(["hello world", "ERROR boom"]);
            doc.RootElement.GetProperty("events")[1].GetProperty("timestamp").GetInt64().ShouldBe(t + 1000);
        }

        var filter = await Aws(client, "logs", "filter-log-events", "--log-group-name", group, "--filter-pattern", "ERROR");
        filter.ExitCode.ShouldBe(0, filter.ToString());
        using (var doc = JsonDocument.Parse(filter.Stdout))
        {
            var e = doc.RootElement.GetProperty("events").EnumerateArray().ShouldHaveSingleItem(filter.ToString());
            e.GetProperty("message").GetString().ShouldBe("ERROR boom");
            e.GetProperty("logStreamName").GetString().ShouldBe("app");
        }

        (await Aws(client, "logs", "put-retention-policy", "--log-group-name", group, "--retention-in-days", "30")).ExitCode.ShouldBe(0);
        var groups = await Aws(client, "logs", "describe-log-groups", "--log-group-name-prefix", group);
        groups.ExitCode.ShouldBe(0, groups.ToString());
        using (var doc = JsonDocument.Parse(groups.Stdout))
        {
            var g = doc.RootElement.GetProperty("logGroups").EnumerateArray().ShouldHaveSingleItem(groups.ToString());
            g.GetProperty("retentionInDays").GetInt32().ShouldBe(30);
            g.GetProperty("logGroupName").GetString().ShouldBe(group);
        }

        var streams = await Aws(client, "logs", "describe-log-streams", "--log-group-name", group);
        using (var doc = JsonDocument.Parse(streams.Stdout))
        {
            var s = doc.RootElement.GetProperty("logStreams").EnumerateArray().ShouldHaveSingleItem(streams.ToString());
            s.GetProperty("firstEventTimestamp").GetInt64().ShouldBe(t);
            s.GetProperty("lastEventTimestamp").GetInt64().ShouldBe(t + 1000);
        }
    }

    [Theory]
    [ClientData(CompatClient.AwsCliV1)]
    [ClientData(CompatClient.AwsCliV2)]
    public async Task Errors_exit_with_the_service_code(CompatClient client)
    {
        var group = $"/cli/{client}-{Guid.NewGuid():N}"[..30];
        ShouldFail(client, await Aws(client, "logs", "create-log-stream", "--log-group-name", group, "--log-stream-name", "s"), "ResourceNotFoundException", "CreateLogStream");
        (await Aws(client, "logs", "create-log-group", "--log-group-name", group)).ExitCode.ShouldBe(0);
        ShouldFail(client, await Aws(client, "logs", "create-log-group", "--log-group-name", group), "ResourceAlreadyExistsException", "CreateLogGroup");
        ShouldFail(client, await Aws(client, "logs", "create-log-group", "--log-group-name", "aws/reserved"), "InvalidParameterException", "CreateLogGroup");
        ShouldFail(client, await Aws(client, "logs", "put-retention-policy", "--log-group-name", group, "--retention-in-days", "2"), "InvalidParameterException", "PutRetentionPolicy");
    }

    private Task<ProcessResult> Aws(CompatClient client, params string[] command) => server.AwsCliAsync(client, output, CompatServer.Alice, command);

    private static void ShouldFail(CompatClient client, ProcessResult run, string code, string operation)
    {
        run.ExitCode.ShouldBe(client == CompatClient.AwsCliV1 ? 255 : 254, run.ToString());
        var line = ErrorLine().Match(run.Stderr);
        line.Success.ShouldBeTrue(run.ToString());
        line.Groups["code"].Value.ShouldBe(code, run.ToString());
        line.Groups["operation"].Value.ShouldBe(operation, run.ToString());
    }

    [GeneratedRegex(@"An error occurred \((?<code>[^)]*)\) when calling the (?<operation>\w+) operation")]
    private static partial Regex ErrorLine();
}
