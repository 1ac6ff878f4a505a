using Vigil.Protocol.Shapes.Logs;
using static Vigil.Logs.Tests.Api.LogsApiHarness;

namespace Vigil.Logs.Tests.Api;

public sealed class GetLogEventsApiTests : IAsyncLifetime
{
    private readonly LogsApiHarness _h = new();

    /// <summary>Five events e1…e5, a minute apart, ending 5 minutes ago; "other" holds one more.</summary>
    public async Task InitializeAsync()
    {
        await _h.CreateGroupAsync("/g");
        await _h.CreateStreamAsync("/g", "s");
        await _h.CreateStreamAsync("/g", "other");
        await _h.PutAsync("/g", "s", [.. Enumerable.Range(1, 5).Select(i => (At(i), $"e{i}"))]);
        await _h.PutAsync("/g", "other", (At(3), "other"));
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static long At(int i) => Now - ((10 - i) * Minute);

    private Task<GetLogEventsResponse> Get(string? token = null, bool? fromHead = null, int? limit = 2, long? start = null, long? end = null) =>
        _h.GetAsync(new GetLogEventsRequest { LogGroupName = "/g", LogStreamName = "s", NextToken = token, StartFromHead = fromHead, Limit = limit, StartTime = start, EndTime = end });

    private static string[] Messages(GetLogEventsResponse r) => [.. r.Events!.Select(e => e.Message!)];

    [Fact]
    public async Task Reading_forward_from_the_head_ends_on_a_repeated_token()
    {
        var p1 = await Get(fromHead: true);
        Messages(p1).ShouldBe(["e1", "e2"]);
        p1.Events![0].Timestamp.ShouldBe(At(1));
        p1.Events[0].IngestionTime.ShouldBe(Now);
        var p2 = await Get(p1.NextForwardToken);
        Messages(p2).ShouldBe(["e3", "e4"]);
        var p3 = await Get(p2.NextForwardToken);
        Messages(p3).ShouldBe(["e5"]);
        var p4 = await Get(p3.NextForwardToken);
        p4.Events.ShouldBeEmpty();
        p4.NextForwardToken.ShouldBe(p3.NextForwardToken);

        // New events appear behind the same token.
        await _h.PutAsync("/g", "s", (At(6), "e6"));
        Messages(await Get(p4.NextForwardToken)).ShouldBe(["e6"]);
    }

    [Fact]
    public async Task By_default_the_newest_events_come_first_and_backward_tokens_page_back()
    {
        var p1 = await Get();
        Messages(p1).ShouldBe(["e4", "e5"]);
        var p2 = await Get(p1.NextBackwardToken);
        Messages(p2).ShouldBe(["e2", "e3"]);
        var p3 = await Get(p2.NextBackwardToken);
        Messages(p3).ShouldBe(["e1"]);
        var p4 = await Get(p3.NextBackwardToken);
        p4.Events.ShouldBeEmpty();
        p4.NextBackwardToken.ShouldBe(p3.NextBackwardToken);

        // Turning around at the start reads forward from e1; from a backward page, forward continues after it.
        Messages(await Get(p4.NextForwardToken)).ShouldBe(["e1", "e2"]);
        Messages(await Get(p2.NextForwardToken)).ShouldBe(["e4", "e5"]);
        (await Get(p1.NextForwardToken)).Events.ShouldBeEmpty();
    }

    [Fact]
    public async Task Tokens_look_like_cloudwatch_logs_tokens()
    {
        var r = await Get();
        r.NextForwardToken!.ShouldMatch("^f/[0-9]{56}/s$");
        r.NextBackwardToken!.ShouldMatch("^b/[0-9]{56}/s$");
    }

    [Fact]
    public async Task The_window_includes_its_start_and_excludes_its_end()
    {
        Messages(await Get(fromHead: true, limit: null, start: At(2), end: At(4))).ShouldBe(["e2", "e3"]);
        Messages(await Get(fromHead: true, limit: null, start: At(2) + 1, end: At(4) + 1)).ShouldBe(["e3", "e4"]);
        Messages(await Get(limit: null, start: At(2), end: At(4))).ShouldBe(["e2", "e3"]);
    }

    [Fact]
    public async Task An_empty_stream_still_returns_both_tokens()
    {
        await _h.CreateStreamAsync("/g", "empty");
        var r = await _h.GetAsync(new GetLogEventsRequest { LogGroupName = "/g", LogStreamName = "empty" });
        r.Events.ShouldBeEmpty();
        r.NextForwardToken.ShouldNotBeNull();
        r.NextBackwardToken.ShouldNotBeNull();
        await _h.PutAsync("/g", "empty", (Now, "late"));
        (await _h.GetAsync(new GetLogEventsRequest { LogGroupName = "/g", LogStreamName = "empty", NextToken = r.NextForwardToken })).Events!.ShouldHaveSingleItem().Message.ShouldBe("late");
    }

    [Fact]
    public async Task Tokens_belong_to_their_stream()
    {
        var r = await Get();
        var e = await _h.FailsAsync("InvalidParameterException", "GetLogEvents", new GetLogEventsRequest { LogGroupName = "/g", LogStreamName = "other", NextToken = r.NextForwardToken });
        e.Message.ShouldBe("The specified nextToken is invalid.");
        await _h.FailsAsync("InvalidParameterException", "GetLogEvents", new GetLogEventsRequest { LogGroupName = "/g", LogStreamName = "s", NextToken = "f/123/s" });
        await _h.FailsAsync("InvalidParameterException", "GetLogEvents", new GetLogEventsRequest { LogGroupName = "/g", LogStreamName = "s", NextToken = "x" + r.NextForwardToken![1..] });
    }

    [Fact]
    public async Task A_page_holds_at_most_one_megabyte()
    {
        await _h.CreateStreamAsync("/g", "big");
        for (var i = 0; i < 3; i++)
        {
            await _h.PutAsync("/g", "big", (Now - Minute + i, new string((char)('a' + i), 500_000)));
        }

        // 2 × (500,000 + 26) fits in 1,048,576; a third event does not.
        var p1 = await _h.GetAsync(new GetLogEventsRequest { LogGroupName = "/g", LogStreamName = "big", StartFromHead = true });
        p1.Events!.Count.ShouldBe(2);
        var p2 = await _h.GetAsync(new GetLogEventsRequest { LogGroupName = "/g", LogStreamName = "big", NextToken = p1.NextForwardToken });
        p2.Events!.ShouldHaveSingleItem().Message![0].ShouldBe('c');
    }

    [Fact]
    public async Task Retention_hides_expired_events()
    {
        await _h.CreateStreamAsync("/g", "aged");
        await _h.PutAsync("/g", "aged", (Now - (3 * Day), "three days old"), (Now - (2 * Day) - Hour, "two days old"));
        (await _h.GetAsync(new GetLogEventsRequest { LogGroupName = "/g", LogStreamName = "aged" })).Events!.Count.ShouldBe(2);
        await _h.CallAsync("PutRetentionPolicy", new PutRetentionPolicyRequest { LogGroupName = "/g", RetentionInDays = 1 });
        (await _h.GetAsync(new GetLogEventsRequest { LogGroupName = "/g", LogStreamName = "aged" })).Events.ShouldBeEmpty();
        (await _h.GetAsync(new GetLogEventsRequest { LogGroupName = "/g", LogStreamName = "s" })).Events!.Count.ShouldBe(5);
    }

    [Fact]
    public async Task Bad_requests_are_refused()
    {
        (await _h.FailsAsync("ResourceNotFoundException", "GetLogEvents", new GetLogEventsRequest { LogGroupName = "/g", LogStreamName = "none" }))
            .Message.ShouldBe("The specified log stream does not exist.");
        (await _h.FailsAsync("ResourceNotFoundException", "GetLogEvents", new GetLogEventsRequest { LogGroupName = "/none", LogStreamName = "s" }))
            .Message.ShouldBe("The specified log group does not exist.");
        await _h.FailsAsync("ResourceNotFoundException", "GetLogEvents", new GetLogEventsRequest { LogGroupName = "/g", LogStreamName = "s" }, OtherAccount);
        await _h.FailsAsync("InvalidParameterException", "GetLogEvents", new GetLogEventsRequest { LogGroupName = "/g", LogGroupIdentifier = "/g", LogStreamName = "s" });
        await _h.FailsAsync("InvalidParameterException", "GetLogEvents", new GetLogEventsRequest { LogStreamName = "s" });
        await _h.FailsAsync("InvalidParameterException", "GetLogEvents", new GetLogEventsRequest { LogGroupName = "/g", LogStreamName = "s", Limit = 10_001 });
        await _h.FailsAsync("InvalidParameterException", "GetLogEvents", new GetLogEventsRequest { LogGroupName = "/g", LogStreamName = "s", StartTime = -5 });
        Messages(await _h.GetAsync(new GetLogEventsRequest { LogGroupIdentifier = GroupArn("/g"), LogStreamName = "s", Limit = 1 })).ShouldBe(["e5"]);
        await _h.FailsAsync("InvalidParameterException", "GetLogEvents", new GetLogEventsRequest { LogGroupIdentifier = GroupArn("/g") + ":*", LogStreamName = "s" });
    }
}
