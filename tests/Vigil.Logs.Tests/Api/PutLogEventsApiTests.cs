using Vigil.Protocol.Errors;
using Vigil.Protocol.Shapes.Logs;
using static Vigil.Logs.Tests.Api.LogsApiHarness;

namespace Vigil.Logs.Tests.Api;

public sealed class PutLogEventsApiTests : IAsyncLifetime
{
    private readonly LogsApiHarness _h = new();

    public async Task InitializeAsync()
    {
        await _h.CreateGroupAsync("/g");
        await _h.CreateStreamAsync("/g", "s");
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<(long Timestamp, string Message)[]> StoredAsync()
    {
        var r = await _h.GetAsync(new GetLogEventsRequest { LogGroupName = "/g", LogStreamName = "s", StartFromHead = true });
        return [.. r.Events!.Select(e => (e.Timestamp!.Value, e.Message!))];
    }

    private Task<AwsServiceException> PutFailsAsync(string code, params (long Timestamp, string Message)[] events) =>
        _h.FailsAsync(code, "PutLogEvents", new PutLogEventsRequest
        {
            LogGroupName = "/g",
            LogStreamName = "s",
            LogEvents = [.. events.Select(e => new InputLogEvent { Timestamp = e.Timestamp, Message = e.Message })],
        });

    [Fact]
    public async Task Events_are_stored_with_the_ingestion_time_and_a_sequence_token_comes_back()
    {
        var r = await _h.CallAsync<PutLogEventsResponse>("PutLogEvents", new PutLogEventsRequest
        {
            LogGroupName = "/g",
            LogStreamName = "s",
            SequenceToken = "ignored-whatever-it-is",
            LogEvents = [new() { Timestamp = Now - 2000, Message = "first" }, new() { Timestamp = Now - 2000, Message = "second" }, new() { Timestamp = Now - 1000, Message = "third" }],
        });
        r.RejectedLogEventsInfo.ShouldBeNull();
        r.NextSequenceToken!.Length.ShouldBe(56);
        r.NextSequenceToken.ShouldAllBe(c => char.IsAsciiDigit(c));

        var events = (await _h.GetAsync(new GetLogEventsRequest { LogGroupName = "/g", LogStreamName = "s", StartFromHead = true })).Events!;
        events.Select(e => e.Message).ShouldBe(["first", "second", "third"]);
        events.Select(e => e.Timestamp).ShouldBe([Now - 2000, Now - 2000, Now - 1000]);
        events.ShouldAllBe(e => e.IngestionTime == Now);
        // Stored bytes count each message plus 26 bytes: 5 + 6 + 5 + 3 × 26 = 94.
        (await _h.DescribeGroupAsync("/g")).StoredBytes.ShouldBe(94);
    }

    [Fact]
    public async Task Out_of_order_events_fail_the_whole_call()
    {
        var e = await PutFailsAsync("InvalidParameterException", (Now, "b"), (Now - 1, "a"));
        e.Message.ShouldBe("Log events in a single PutLogEvents request must be in chronological order.");
        (await StoredAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Too_old_and_too_new_events_are_rejected_and_the_middle_is_stored()
    {
        // 20 and 15 days old (too old), an hour ago, now, two hours ahead (allowed), three hours ahead (too new).
        var r = await _h.PutAsync("/g", "s", (Now - (20 * Day), "old1"), (Now - (15 * Day), "old2"), (Now - Hour, "ok1"), (Now, "ok2"), (Now + (2 * Hour), "ok3"), (Now + (3 * Hour), "new1"));
        r.RejectedLogEventsInfo.ShouldNotBeNull();
        r.RejectedLogEventsInfo.TooOldLogEventEndIndex.ShouldBe(2);
        r.RejectedLogEventsInfo.TooNewLogEventStartIndex.ShouldBe(5);
        r.RejectedLogEventsInfo.ExpiredLogEventEndIndex.ShouldBeNull();
        (await StoredAsync()).Select(e => e.Message).ShouldBe(["ok1", "ok2", "ok3"]);
    }

    [Fact]
    public async Task Exactly_fourteen_days_old_is_still_accepted()
    {
        var r = await _h.PutAsync("/g", "s", (Now - (14 * Day) - 1, "too old"), (Now - (14 * Day), "oldest allowed"));
        r.RejectedLogEventsInfo!.TooOldLogEventEndIndex.ShouldBe(1);
        (await StoredAsync()).Select(e => e.Message).ShouldBe(["oldest allowed"]);
    }

    [Fact]
    public async Task Events_before_the_groups_retention_are_expired()
    {
        await _h.CallAsync("PutRetentionPolicy", new PutRetentionPolicyRequest { LogGroupName = "/g", RetentionInDays = 1 });
        var r = await _h.PutAsync("/g", "s", (Now - (3 * Day), "a"), (Now - (2 * Day), "b"), (Now - Hour, "c"));
        r.RejectedLogEventsInfo!.ExpiredLogEventEndIndex.ShouldBe(2);
        r.RejectedLogEventsInfo.TooOldLogEventEndIndex.ShouldBeNull();
        r.RejectedLogEventsInfo.TooNewLogEventStartIndex.ShouldBeNull();
        (await StoredAsync()).Select(e => e.Message).ShouldBe(["c"]);
    }

    [Fact]
    public async Task When_every_event_is_rejected_nothing_is_stored()
    {
        var r = await _h.PutAsync("/g", "s", (Now + (3 * Hour), "x"));
        r.RejectedLogEventsInfo!.TooNewLogEventStartIndex.ShouldBe(0);
        (await StoredAsync()).ShouldBeEmpty();
        (await _h.DescribeStreamAsync("/g", "s")).LastIngestionTime.ShouldBeNull();
    }

    [Fact]
    public async Task Accepted_events_may_span_24_hours_but_no_more()
    {
        var e = await PutFailsAsync("InvalidParameterException", (Now - (24 * Hour) - 1, "a"), (Now, "b"));
        e.Message.ShouldBe("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.");
        (await StoredAsync()).ShouldBeEmpty();

        // Rejected events do not count towards the span.
        await _h.PutAsync("/g", "s", (Now - (20 * Day), "too old"), (Now - (24 * Hour), "a"), (Now, "b"));
        (await StoredAsync()).Select(x => x.Message).ShouldBe(["a", "b"]);
    }

    [Fact]
    public async Task Batch_and_event_sizes_count_utf8_bytes_plus_26()
    {
        // 1,048,550 bytes + 26 = 1,048,576: exactly the limit.
        await _h.PutAsync("/g", "s", (Now, new string('a', 1_048_550)));
        var e = await PutFailsAsync("InvalidParameterException", (Now, new string('a', 1_048_551)));
        e.Message.ShouldBe("Log event too large: 1048577 bytes exceeds limit of 1048576");
        // "é" is two bytes in UTF-8: 2 × (2 × 262,144 + 26) = 1,048,628.
        var e2 = await PutFailsAsync("InvalidParameterException", (Now, new string('é', 262_144)), (Now, new string('é', 262_144)));
        e2.Message.ShouldBe("Upload too large: 1048628 bytes exceeds limit of 1048576");
        (await StoredAsync()).Length.ShouldBe(1);
    }

    [Fact]
    public async Task The_models_limits_are_InvalidParameterException()
    {
        await PutFailsAsync("InvalidParameterException");
        (await PutFailsAsync("InvalidParameterException", (Now, ""))).Message.ShouldContain("'logEvents.1.member.message'");
        var many = Enumerable.Range(0, 10_001).Select(i => (Now, "x")).ToArray();
        (await PutFailsAsync("InvalidParameterException", many)).Message.ShouldContain("Member must have length less than or equal to 10000");
        (await PutFailsAsync("InvalidParameterException", (-1, "x"))).Message.ShouldContain("'logEvents.1.member.timestamp'");
        await _h.PutAsync("/g", "s", [.. Enumerable.Range(0, 10_000).Select(i => (Now, "x"))]);
    }

    [Fact]
    public async Task Missing_groups_and_streams_are_ResourceNotFound()
    {
        (await _h.FailsAsync("ResourceNotFoundException", "PutLogEvents", new PutLogEventsRequest { LogGroupName = "/g", LogStreamName = "none", LogEvents = [new() { Timestamp = Now, Message = "x" }] }))
            .Message.ShouldBe("The specified log stream does not exist.");
        (await _h.FailsAsync("ResourceNotFoundException", "PutLogEvents", new PutLogEventsRequest { LogGroupName = "/none", LogStreamName = "s", LogEvents = [new() { Timestamp = Now, Message = "x" }] }))
            .Message.ShouldBe("The specified log group does not exist.");
        await _h.FailsAsync("ResourceNotFoundException", "PutLogEvents", new PutLogEventsRequest { LogGroupName = "/g", LogStreamName = "s", LogEvents = [new() { Timestamp = Now, Message = "x" }] }, OtherAccount);
    }
}
