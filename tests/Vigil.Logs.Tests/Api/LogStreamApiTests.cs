using Vigil.Protocol.Shapes.Logs;
using static Vigil.Logs.Tests.Api.LogsApiHarness;

namespace Vigil.Logs.Tests.Api;

public sealed class LogStreamApiTests : IAsyncLifetime
{
    private readonly LogsApiHarness _h = new();

    public Task InitializeAsync() => _h.CreateGroupAsync("/g");

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<string[]> NamesAsync(DescribeLogStreamsRequest r) =>
        [.. (await _h.CallAsync<DescribeLogStreamsResponse>("DescribeLogStreams", r)).LogStreams!.Select(s => s.LogStreamName!)];

    [Fact]
    public async Task A_new_stream_has_no_event_statistics_and_an_arn()
    {
        await _h.CreateStreamAsync("/g", "web-1");
        var s = await _h.DescribeStreamAsync("/g", "web-1");
        s.LogStreamName.ShouldBe("web-1");
        s.CreationTime.ShouldBe(Now);
        s.Arn.ShouldBe("arn:aws:logs:us-east-1:111111111111:log-group:/g:log-stream:web-1");
        s.StoredBytes.ShouldBe(0);
        s.FirstEventTimestamp.ShouldBeNull();
        s.LastEventTimestamp.ShouldBeNull();
        s.LastIngestionTime.ShouldBeNull();
    }

    [Fact]
    public async Task Statistics_follow_the_events_put()
    {
        await _h.CreateStreamAsync("/g", "s");
        await _h.PutAsync("/g", "s", (Now - (2 * Hour), "a"), (Now - Hour, "b"));
        _h.Clock.Now = T0.AddMinutes(5);
        await _h.PutAsync("/g", "s", (Now - (3 * Hour), "c"));
        var s = await _h.DescribeStreamAsync("/g", "s");
        s.FirstEventTimestamp.ShouldBe(Now - (3 * Hour));
        s.LastEventTimestamp.ShouldBe(Now - Hour);
        s.LastIngestionTime.ShouldBe(Now + (5 * Minute));
        s.StoredBytes.ShouldBe(0);
    }

    [Fact]
    public async Task Creating_is_refused_for_duplicates_missing_groups_and_bad_names()
    {
        await _h.CreateStreamAsync("/g", "s");
        (await _h.FailsAsync("ResourceAlreadyExistsException", "CreateLogStream", new CreateLogStreamRequest { LogGroupName = "/g", LogStreamName = "s" }))
            .Message.ShouldBe("The specified log stream already exists");
        (await _h.FailsAsync("ResourceNotFoundException", "CreateLogStream", new CreateLogStreamRequest { LogGroupName = "/none", LogStreamName = "s" }))
            .Message.ShouldBe("The specified log group does not exist.");
        (await _h.FailsAsync("InvalidParameterException", "CreateLogStream", new CreateLogStreamRequest { LogGroupName = "/g", LogStreamName = "a:b" }))
            .Message.ShouldContain("Member must satisfy regular expression pattern: [^:*]*");
        await _h.FailsAsync("InvalidParameterException", "CreateLogStream", new CreateLogStreamRequest { LogGroupName = "/g", LogStreamName = "a*" });
        await _h.FailsAsync("InvalidParameterException", "CreateLogStream", new CreateLogStreamRequest { LogGroupName = "/g", LogStreamName = "" });
        await _h.FailsAsync("InvalidParameterException", "CreateLogStream", new CreateLogStreamRequest { LogGroupName = "/g", LogStreamName = new string('s', 513) });
        await _h.CreateStreamAsync("/g", "2025/03/10/[$LATEST]abc def");
    }

    [Fact]
    public async Task Deleting_a_stream_removes_it_and_its_events()
    {
        await _h.CreateStreamAsync("/g", "s");
        await _h.PutAsync("/g", "s", (Now, "hello"));
        await _h.CallAsync("DeleteLogStream", new DeleteLogStreamRequest { LogGroupName = "/g", LogStreamName = "s" });
        (await NamesAsync(new DescribeLogStreamsRequest { LogGroupName = "/g" })).ShouldBeEmpty();
        (await _h.FilterAsync(new FilterLogEventsRequest { LogGroupName = "/g" })).Events.ShouldBeEmpty();
        (await _h.FailsAsync("ResourceNotFoundException", "DeleteLogStream", new DeleteLogStreamRequest { LogGroupName = "/g", LogStreamName = "s" }))
            .Message.ShouldBe("The specified log stream does not exist.");
        await _h.FailsAsync("ResourceNotFoundException", "DeleteLogStream", new DeleteLogStreamRequest { LogGroupName = "/none", LogStreamName = "s" });
    }

    [Fact]
    public async Task Streams_are_ordered_by_name_or_last_event_time_either_way()
    {
        foreach (var name in new[] { "b", "a", "c", "d" })
        {
            await _h.CreateStreamAsync("/g", name);
        }

        // Last events: a at -1 h, b at -3 h, c at -2 h, d none.
        await _h.PutAsync("/g", "a", (Now - Hour, "x"));
        await _h.PutAsync("/g", "b", (Now - (3 * Hour), "x"));
        await _h.PutAsync("/g", "c", (Now - (2 * Hour), "x"));

        (await NamesAsync(new DescribeLogStreamsRequest { LogGroupName = "/g" })).ShouldBe(["a", "b", "c", "d"]);
        (await NamesAsync(new DescribeLogStreamsRequest { LogGroupName = "/g", Descending = true })).ShouldBe(["d", "c", "b", "a"]);
        (await NamesAsync(new DescribeLogStreamsRequest { LogGroupName = "/g", OrderBy = "LastEventTime" })).ShouldBe(["d", "b", "c", "a"]);
        (await NamesAsync(new DescribeLogStreamsRequest { LogGroupName = "/g", OrderBy = "LastEventTime", Descending = true })).ShouldBe(["a", "c", "b", "d"]);
        (await NamesAsync(new DescribeLogStreamsRequest { LogGroupIdentifier = GroupArn("/g"), LogStreamNamePrefix = "c" })).ShouldBe(["c"]);
        (await NamesAsync(new DescribeLogStreamsRequest { LogGroupIdentifier = "/g", LogStreamNamePrefix = "z" })).ShouldBeEmpty();

        var e = await _h.FailsAsync("InvalidParameterException", "DescribeLogStreams", new DescribeLogStreamsRequest { LogGroupName = "/g", OrderBy = "LastEventTime", LogStreamNamePrefix = "a" });
        e.Message.ShouldBe("Cannot order by LastEventTime with a logStreamNamePrefix.");
        await _h.FailsAsync("InvalidParameterException", "DescribeLogStreams", new DescribeLogStreamsRequest { LogGroupName = "/g", OrderBy = "CreationTime" });
        await _h.FailsAsync("InvalidParameterException", "DescribeLogStreams", new DescribeLogStreamsRequest { LogGroupName = "/g", LogGroupIdentifier = "/g" });
        await _h.FailsAsync("InvalidParameterException", "DescribeLogStreams", new DescribeLogStreamsRequest());
        await _h.FailsAsync("InvalidParameterException", "DescribeLogStreams", new DescribeLogStreamsRequest { LogGroupName = "/g", Limit = 51 });
        await _h.FailsAsync("ResourceNotFoundException", "DescribeLogStreams", new DescribeLogStreamsRequest { LogGroupName = "/none" });
        await _h.FailsAsync("ResourceNotFoundException", "DescribeLogStreams", new DescribeLogStreamsRequest { LogGroupIdentifier = GroupArn("/g", OtherAccount) });
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData(null, true)]
    [InlineData("LastEventTime", false)]
    [InlineData("LastEventTime", true)]
    public async Task Pages_cover_every_stream_once_in_order(string? orderBy, bool descending)
    {
        for (var i = 0; i < 7; i++)
        {
            await _h.CreateStreamAsync("/g", $"s{i}");
            await _h.PutAsync("/g", $"s{i}", (Now - ((7 - i) * Minute), "x"));
        }

        var seen = new List<string>();
        string? token = null;
        do
        {
            var r = await _h.CallAsync<DescribeLogStreamsResponse>("DescribeLogStreams", new DescribeLogStreamsRequest { LogGroupName = "/g", OrderBy = orderBy, Descending = descending, Limit = 3, NextToken = token });
            r.LogStreams!.Count.ShouldBeLessThanOrEqualTo(3);
            seen.AddRange(r.LogStreams.Select(s => s.LogStreamName!));
            token = r.NextToken;
        }
        while (token is not null);

        var expected = Enumerable.Range(0, 7).Select(i => $"s{i}");
        seen.ShouldBe(descending ? expected.Reverse() : expected);

        var first = await _h.CallAsync<DescribeLogStreamsResponse>("DescribeLogStreams", new DescribeLogStreamsRequest { LogGroupName = "/g", OrderBy = orderBy, Descending = descending, Limit = 3 });
        await _h.FailsAsync("InvalidParameterException", "DescribeLogStreams", new DescribeLogStreamsRequest { LogGroupName = "/g", OrderBy = orderBy, Descending = !descending, NextToken = first.NextToken });
    }
}
