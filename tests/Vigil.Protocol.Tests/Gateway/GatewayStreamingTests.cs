using System.Runtime.CompilerServices;
using System.Text.Json;
using Vigil.Protocol.Codecs.EventStream;
using Vigil.Protocol.Errors;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes.Logs;
using Vigil.Protocol.Tests.Codecs.EventStream;
using Vigil.Protocol.Tests.TestSupport;

namespace Vigil.Protocol.Tests.Gateway;

/// <summary>Event-stream operations through the whole pipeline (Logs StartLiveTail with a scripted handler).</summary>
public sealed class GatewayStreamingTests
{
    private const string Target = "Logs_20140328.StartLiveTail";
    private const string Json11 = "application/x-amz-json-1.1";
    private const string Request = """{"logGroupIdentifiers":["arn:aws:logs:us-east-1:111111111111:log-group:app"]}""";

    private Func<StartLiveTailRequest, IAsyncEnumerable<StartLiveTailResponseStream>> _script = _ => Events();

    private GatewayHarness Gateway() => new(h => h.RegisterStreaming<StartLiveTailRequest, StartLiveTailResponseStream>(LogsModel.Service, "StartLiveTail",
        (ctx, input, _) => input.LogEventFilterPattern == "reject"
            ? throw AwsServiceException.FromModel(LogsModel.Service, "InvalidParameterException", "bad pattern")
            : ValueTask.FromResult(new EventStreamReply<StartLiveTailResponseStream>(_script(input)))));

    [Fact]
    public async Task Stream_is_initial_response_then_events_then_the_exception_that_ends_it()
    {
        var gateway = Gateway();
        var r = await gateway.JsonAsync(Target, Json11, Request, "logs");

        r.Status.ShouldBe(200);
        r.Header("Content-Type").ShouldBe("application/vnd.amazon.eventstream");
        r.Header("Content-Length").ShouldBeNull();
        var requestId = r.Header("x-amzn-RequestId");
        requestId.ShouldNotBeNullOrEmpty();

        var messages = EventStreamDecoder.DecodeAll(r.Body);
        messages.Select(m => m.Header(":message-type")).ShouldBe(["event", "event", "event", "exception"]);
        messages[0].Header(":event-type").ShouldBe("initial-response");
        messages[0].PayloadText.ShouldBe("{}");
        messages[1].Header(":event-type").ShouldBe("sessionStart");
        messages[1].Header(":content-type").ShouldBe("application/json");
        JsonDocument.Parse(messages[1].Payload).RootElement.GetProperty("sessionId").GetString().ShouldBe("s-1");
        messages[2].Header(":event-type").ShouldBe("sessionUpdate");
        var results = JsonDocument.Parse(messages[2].Payload).RootElement.GetProperty("sessionResults");
        results[0].GetProperty("message").GetString().ShouldBe("hello");
        results[0].GetProperty("timestamp").GetInt64().ShouldBe(1714564800000);
        messages[3].Header(":exception-type").ShouldBe("SessionTimeoutException");
        messages[3].PayloadText.ShouldBe("""{"message":"timed out"}""");

        var audit = gateway.Audit.Calls.ShouldHaveSingleItem();
        audit.RequestId.ShouldBe(requestId);
        audit.Operation.ShouldBe("StartLiveTail");
        audit.HttpStatus.ShouldBe(200);
        audit.ErrorCode.ShouldBeNull();
    }

    [Fact]
    public async Task Errors_before_the_stream_starts_are_ordinary_json_errors()
    {
        var gateway = Gateway();
        var invalid = await gateway.JsonAsync(Target, Json11,
            """{"logGroupIdentifiers":["arn:aws:logs:us-east-1:111111111111:log-group:app"],"logEventFilterPattern":"reject"}""", "logs");
        invalid.Status.ShouldBe(400);
        invalid.Header("Content-Type").ShouldBe(Json11);
        JsonDocument.Parse(invalid.Body).RootElement.GetProperty("__type").GetString().ShouldBe("InvalidParameterException");

        var missing = await gateway.JsonAsync(Target, Json11, "{}", "logs");
        missing.Status.ShouldBe(400);
        JsonDocument.Parse(missing.Body).RootElement.GetProperty("__type").GetString().ShouldBe("ValidationException");

        var unsigned = await gateway.JsonAsync(Target, Json11, Request, "logs", sign: false);
        unsigned.Status.ShouldBe(403);

        gateway.Audit.Calls.Select(c => c.ErrorCode).ShouldBe(["InvalidParameterException", "ValidationException", "MissingAuthenticationTokenException"]);
    }

    [Fact]
    public async Task Failures_inside_the_stream_end_it_with_a_modelled_exception_or_an_unmodelled_error()
    {
        var gateway = Gateway();
        _script = _ => Failing(AwsServiceException.FromModel(LogsModel.Service, "SessionStreamingException", "lost the tail"));
        var modelled = EventStreamDecoder.DecodeAll((await gateway.JsonAsync(Target, Json11, Request, "logs")).Body);
        modelled[^1].Header(":message-type").ShouldBe("exception");
        modelled[^1].Header(":exception-type").ShouldBe("SessionStreamingException");
        modelled[^1].PayloadText.ShouldBe("""{"message":"lost the tail"}""");

        _script = _ => Failing(new System.InvalidOperationException("secret internal detail"));
        var unknown = EventStreamDecoder.DecodeAll((await gateway.JsonAsync(Target, Json11, Request, "logs")).Body);
        unknown[^1].Header(":message-type").ShouldBe("error");
        unknown[^1].Header(":error-code").ShouldBe("InternalFailure");
        unknown[^1].Header(":error-message").ShouldNotContain("secret");
    }

    [Theory]
    [InlineData("stream-127.0.0.1:4566")]
    [InlineData("streaming-127.0.0.1:4566")]
    [InlineData("stream-logs.localhost:4566")]
    public async Task Host_prefixes_are_served_and_signed_over_as_sent(string host)
    {
        var gateway = Gateway();
        var r = await gateway.JsonAsync(Target, Json11, Request, "logs", host: host);
        r.Status.ShouldBe(200, r.Text);
        EventStreamDecoder.DecodeAll(r.Body).Count.ShouldBe(4);
    }

    [Fact]
    public async Task A_client_that_disconnects_stops_the_enumeration_and_its_finally_runs()
    {
        var released = new TaskCompletionSource();
        _script = _ => Endless(released);
        var gateway = Gateway();
        using var abort = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var r = await gateway.SendAsync("POST", "/", "", new() { ["X-Amz-Target"] = Target, ["Content-Type"] = Json11 },
            System.Text.Encoding.UTF8.GetBytes(Request), "logs", aborted: abort.Token);
        await released.Task.WaitAsync(TimeSpan.FromSeconds(5));
        r.Status.ShouldBe(200);
        EventStreamDecoder.DecodeAll(r.Body).Count.ShouldBeGreaterThan(1);
    }

    private static async IAsyncEnumerable<StartLiveTailResponseStream> Events()
    {
        await Task.Yield();
        yield return new() { SessionStart = new LiveTailSessionStart { SessionId = "s-1", RequestId = "r" } };
        yield return new()
        {
            SessionUpdate = new LiveTailSessionUpdate
            {
                SessionMetadata = new LiveTailSessionMetadata { Sampled = false },
                SessionResults = [new LiveTailSessionLogEvent { Message = "hello", Timestamp = 1714564800000, IngestionTime = 1714564800001, LogStreamName = "s", LogGroupIdentifier = "111111111111:app" }],
            },
        };
        yield return new() { SessionTimeoutException = new SessionTimeoutException { Message = "timed out" } };
        yield return new() { SessionStart = new LiveTailSessionStart { SessionId = "never sent" } };
    }

    private static async IAsyncEnumerable<StartLiveTailResponseStream> Failing(Exception failure)
    {
        await Task.Yield();
        yield return new() { SessionStart = new LiveTailSessionStart { SessionId = "s-1" } };
        throw failure;
    }

    private static async IAsyncEnumerable<StartLiveTailResponseStream> Endless(TaskCompletionSource released, [EnumeratorCancellation] CancellationToken ct = default)
    {
        try
        {
            while (true)
            {
                yield return new() { SessionUpdate = new LiveTailSessionUpdate { SessionResults = [] } };
                await Task.Delay(20, ct);
            }
        }
        finally
        {
            released.TrySetResult();
        }
    }
}
