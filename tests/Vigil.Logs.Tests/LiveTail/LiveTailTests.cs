using Vigil.Logs.LiveTail;
using Vigil.Logs.Model;
using Vigil.Protocol.Errors;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes;
using Vigil.Protocol.Shapes.Logs;

namespace Vigil.Logs.Tests.LiveTail;

/// <summary>StartLiveTail's validation, the hub's matching and sampling, and the session's ticks, buffer and timeout.</summary>
public sealed class LiveTailTests
{
    private const string Account = "111111111111";
    private const string Region = "us-east-1";
    private static readonly HashSet<string> Groups = ["app", "web"];

    private readonly LiveTailHub _hub = new();

    private static string Arn(string name, string account = Account, string region = Region) => $"arn:aws:logs:{region}:{account}:log-group:{name}";

    private StartLiveTailHandler Handler(LiveTailOptions? options = null) => new(_hub,
        (_, id) => LogGroupArn.TryParse(id, out var arn) && Groups.Contains(arn.Name) ? arn.Name : null,
        pattern => pattern is null ? _ => true
            : pattern == "(" ? throw new ArgumentException("unbalanced parenthesis")
            : message => message.Contains(pattern, StringComparison.Ordinal),
        TimeProvider.System,
        options ?? new LiveTailOptions { UpdateInterval = TimeSpan.FromMilliseconds(50) });

    private static CallContext Context() => new()
    {
        RequestId = "req-1",
        Identity = new CallerIdentity(Account, "alice", $"arn:aws:iam::{Account}:user/alice", "AIDA", "AKIA"),
        Region = Region,
        Operation = LogsModel.Service.Operations["StartLiveTail"],
        Protocol = WireProtocol.AwsJson1_1,
        ReceivedAt = DateTimeOffset.UtcNow,
    };

    private async Task<IAsyncEnumerator<StartLiveTailResponseStream>> Start(StartLiveTailRequest request, LiveTailOptions? options = null, CancellationToken ct = default)
    {
        var reply = await Handler(options).OpenAsync(Context(), request, ct);
        return Cast(reply.Events).GetAsyncEnumerator(ct);
    }

    private static async IAsyncEnumerable<StartLiveTailResponseStream> Cast(IAsyncEnumerable<object> events)
    {
        await foreach (var e in events)
        {
            yield return (StartLiveTailResponseStream)e;
        }
    }

    private static async Task<LiveTailSessionUpdate> NextUpdateWithEvents(IAsyncEnumerator<StartLiveTailResponseStream> session)
    {
        for (var i = 0; i < 100; i++)
        {
            (await session.MoveNextAsync()).ShouldBeTrue();
            if (session.Current.SessionUpdate is { SessionResults.Count: > 0 } update)
            {
                return update;
            }
        }
        throw new TimeoutException("no update with events");
    }

    private static IngestedLogEvent[] Events(params string[] messages) =>
        [.. messages.Select((m, i) => new IngestedLogEvent(1714564800000 + i, 1714564801000 + i, m))];

    [Theory]
    [InlineData("names and prefixes", "You can't specify both")]
    [InlineData("streams with two groups", "exactly one log group")]
    [InlineData("bare name", "is not a log group ARN")]
    [InlineData("wildcard", "asterisk")]
    [InlineData("bad filter", "unbalanced parenthesis")]
    public async Task Invalid_requests_are_InvalidParameterException(string @case, string message)
    {
        var request = @case switch
        {
            "names and prefixes" => new StartLiveTailRequest { LogGroupIdentifiers = [Arn("app")], LogStreamNames = ["a"], LogStreamNamePrefixes = ["b"] },
            "streams with two groups" => new StartLiveTailRequest { LogGroupIdentifiers = [Arn("app"), Arn("web")], LogStreamNamePrefixes = ["b"] },
            "bare name" => new StartLiveTailRequest { LogGroupIdentifiers = ["app"] },
            "wildcard" => new StartLiveTailRequest { LogGroupIdentifiers = [Arn("app") + ":*"] },
            _ => new StartLiveTailRequest { LogGroupIdentifiers = [Arn("app")], LogEventFilterPattern = "(" },
        };
        var e = await Should.ThrowAsync<AwsServiceException>(async () => await Handler().OpenAsync(Context(), request, default));
        e.Code.ShouldBe("InvalidParameterException");
        e.Status.ShouldBe(400);
        e.Message.ShouldContain(message);
        _hub.SubscriberCount.ShouldBe(0);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("other-account")]
    [InlineData("other-region")]
    public async Task Unknown_groups_are_ResourceNotFoundException(string @case)
    {
        var arn = @case switch
        {
            "missing" => Arn("nope"),
            "other-account" => Arn("app", account: "222222222222"),
            _ => Arn("app", region: "eu-west-1"),
        };
        var e = await Should.ThrowAsync<AwsServiceException>(async () =>
            await Handler().OpenAsync(Context(), new StartLiveTailRequest { LogGroupIdentifiers = [Arn("web"), arn] }, default));
        e.Code.ShouldBe("ResourceNotFoundException");
    }

    [Fact]
    public async Task Session_starts_subscribes_and_delivers_matching_events_as_AWS_fills_them()
    {
        using var cts = new CancellationTokenSource();
        var session = await Start(new StartLiveTailRequest { LogGroupIdentifiers = [Arn("app")], LogStreamNamePrefixes = ["api-"], LogEventFilterPattern = "ERROR" }, ct: cts.Token);
        _hub.SubscriberCount.ShouldBe(0, "nothing is subscribed until the gateway reads the stream");

        (await session.MoveNextAsync()).ShouldBeTrue();
        var start = session.Current.SessionStart.ShouldNotBeNull();
        start.RequestId.ShouldBe("req-1");
        start.SessionId.ShouldNotBeNullOrEmpty();
        start.LogGroupIdentifiers.ShouldBe([Arn("app")]);
        start.LogStreamNamePrefixes.ShouldBe(["api-"]);
        start.LogEventFilterPattern.ShouldBe("ERROR");
        _hub.SubscriberCount.ShouldBe(1);

        _hub.Publish(Account, Region, "app", "api-1", Events("ERROR one", "fine", "ERROR two"));
        _hub.Publish(Account, Region, "app", "worker-1", Events("ERROR wrong stream"));
        _hub.Publish(Account, Region, "web", "api-1", Events("ERROR wrong group"));
        _hub.Publish("222222222222", Region, "app", "api-1", Events("ERROR wrong account"));
        _hub.Publish(Account, "eu-west-1", "app", "api-1", Events("ERROR wrong region"));

        var update = await NextUpdateWithEvents(session);
        update.SessionMetadata!.Sampled.ShouldBe(false);
        update.SessionResults!.Select(e => e.Message).ShouldBe(["ERROR one", "ERROR two"]);
        var first = update.SessionResults![0];
        first.LogGroupIdentifier.ShouldBe($"{Account}:app");
        first.LogStreamName.ShouldBe("api-1");
        first.Timestamp.ShouldBe(1714564800000);
        first.IngestionTime.ShouldBe(1714564801000);

        await cts.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(async () => { while (await session.MoveNextAsync()) { } });
        await session.DisposeAsync();
        _hub.SubscriberCount.ShouldBe(0);
    }

    [Fact]
    public async Task More_than_500_events_in_an_update_are_sampled_down_in_arrival_order()
    {
        var session = await Start(new StartLiveTailRequest { LogGroupIdentifiers = [Arn("app")], LogStreamNames = ["s"] },
            new LiveTailOptions { UpdateInterval = TimeSpan.FromMilliseconds(300) });
        (await session.MoveNextAsync()).ShouldBeTrue();
        _hub.Publish(Account, Region, "app", "s", Events([.. Enumerable.Range(0, 2000).Select(i => $"m{i:D4}")]));

        var update = await NextUpdateWithEvents(session);
        update.SessionMetadata!.Sampled.ShouldBe(true);
        update.SessionResults!.Count.ShouldBe(500);
        var messages = update.SessionResults.Select(e => e.Message!).ToList();
        messages.ShouldBe(messages.Order(StringComparer.Ordinal).ToList());
        messages.Distinct().Count().ShouldBe(500);
        // A uniform sample of 2000 reaches into the last quarter (probability of missing it: 0.75^500).
        messages.ShouldContain(m => string.CompareOrdinal(m, "m1500") >= 0);
        await session.DisposeAsync();
    }

    [Fact]
    public async Task A_client_that_lags_loses_the_oldest_updates_beyond_ten()
    {
        var session = await Start(new StartLiveTailRequest { LogGroupIdentifiers = [Arn("app")] },
            new LiveTailOptions { UpdateInterval = TimeSpan.FromMilliseconds(10) });
        (await session.MoveNextAsync()).ShouldBeTrue();
        _hub.Publish(Account, Region, "app", "s", Events("old"));
        await Task.Delay(1500); // ~150 ticks while nobody reads (dozens even on a loaded machine); only the last 10 updates are kept

        for (var i = 0; i < 10; i++)
        {
            (await session.MoveNextAsync()).ShouldBeTrue();
            session.Current.SessionUpdate.ShouldNotBeNull().SessionResults.ShouldBeEmpty();
        }
        await session.DisposeAsync();
        _hub.SubscriberCount.ShouldBe(0);
    }

    [Fact]
    public async Task Session_times_out_with_SessionTimeoutException_and_releases_its_subscription()
    {
        var session = await Start(new StartLiveTailRequest { LogGroupIdentifiers = [Arn("app"), Arn("web")] },
            new LiveTailOptions { UpdateInterval = TimeSpan.FromMilliseconds(20), SessionTimeout = TimeSpan.FromMilliseconds(1000) });
        var seen = new List<StartLiveTailResponseStream>();
        while (await session.MoveNextAsync())
        {
            seen.Add(session.Current);
        }
        seen[0].SessionStart.ShouldNotBeNull();
        seen.Skip(1).SkipLast(1).ShouldAllBe(e => e.SessionUpdate != null);
        seen.Count.ShouldBeGreaterThan(3);
        seen[^1].SessionTimeoutException.ShouldNotBeNull().Message.ShouldNotBeNullOrEmpty();
        _hub.SubscriberCount.ShouldBe(0);
    }

    [Fact]
    public void Publish_without_subscribers_does_nothing_and_arns_parse()
    {
        _hub.Publish(Account, Region, "app", "s", Events("nobody listens"));
        LogGroupArn.TryParse("arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/f", out var arn).ShouldBeTrue();
        arn.ShouldBe(new LogGroupArn("aws", "us-east-1", "111111111111", "/aws/lambda/f"));
        LogGroupArn.TryParse("arn:aws:s3:::bucket", out _).ShouldBeFalse();
        LogGroupArn.TryParse("app", out _).ShouldBeFalse();
        LogGroupArn.TryParse("arn:aws:logs:us-east-1:111111111111:log-group:", out _).ShouldBeFalse();
    }
}
