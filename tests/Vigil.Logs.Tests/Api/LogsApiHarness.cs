using Vigil.Logs.Api;
using Vigil.Logs.Engine;
using Vigil.Protocol.Errors;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes;
using Vigil.Protocol.Shapes.Logs;
using Vigil.Protocol.Validation;
using Vigil.Storage.IO;
using Vigil.Storage.Tests;

namespace Vigil.Logs.Tests.Api;

/// <summary>A clock the test sets: ingestion times, PutLogEvents' age limits and retention all read it.</summary>
internal sealed class FakeTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>
/// The CloudWatch Logs operations over a real <see cref="LogStore"/> in a temp directory, called as the gateway calls
/// them: through the registration table (<see cref="LogsApi.Register"/>), after the model's constraints are checked
/// and reported as the gateway reports them for Logs (InvalidParameterException). The clock is fake.
/// </summary>
internal sealed class LogsApiHarness : IAsyncDisposable
{
    public const string Account = "111111111111";
    public const string OtherAccount = "222222222222";
    public const string Region = "us-east-1";

    /// <summary>"Now" for most tests: 2025-03-10T12:00:00Z.</summary>
    public static readonly DateTimeOffset T0 = new(2025, 3, 10, 12, 0, 0, TimeSpan.Zero);

    public static readonly long Now = T0.ToUnixTimeMilliseconds();
    public const long Minute = 60_000;
    public const long Hour = 3_600_000;
    public const long Day = 86_400_000;

    private readonly TempDirectory _dir = new();
    private readonly OperationHandlers _handlers = new();

    public LogsApiHarness()
    {
        Clock = new FakeTimeProvider(T0);
        Store = LogStore.Open(new LogStoreOptions { Directory = _dir.Path, Sync = SyncMode.None, BackgroundWork = false, Clock = Clock });
        LogsApi.Register(_handlers, Store, new Vigil.Logs.LiveTail.LiveTailHub());
    }

    public FakeTimeProvider Clock { get; }
    public LogStore Store { get; }

    public static string GroupArn(string name, string account = Account, string region = Region) => $"arn:aws:logs:{region}:{account}:log-group:{name}";

    /// <summary>Calls an operation the way the gateway does: validate against the model, then the registered handler.</summary>
    public async Task<TOutput> CallAsync<TOutput>(string operation, object input, string account = Account, string region = Region)
        where TOutput : class
    {
        var op = LogsModel.Service.Operations[operation];
        var violations = ShapeValidator.Validate(input, op.Input!);
        if (violations.Count > 0)
        {
            throw AwsServiceException.FromModel(LogsModel.Service, _handlers.ValidationError(LogsModel.Service)!, ShapeValidator.Describe(violations));
        }

        _handlers.TryGet(op, out var handler).ShouldBeTrue($"{operation} is registered");
        var context = new CallContext
        {
            RequestId = Guid.NewGuid().ToString(),
            Identity = new CallerIdentity(account, "tester", $"arn:aws:iam::{account}:user/tester", "AIDATESTER", "AKIATESTER"),
            Region = region,
            Operation = op,
            Protocol = WireProtocol.AwsJson1_1,
            ReceivedAt = Clock.Now,
        };
        return (TOutput)(await handler(context, input, CancellationToken.None))!;
    }

    public Task CallAsync(string operation, object input, string account = Account, string region = Region) =>
        CallAsync<object>(operation, input, account, region);

    /// <summary>Runs a call that must fail and returns its error, after checking its code.</summary>
    public async Task<AwsServiceException> FailsAsync(string code, string operation, object input, string account = Account, string region = Region)
    {
        var e = await Should.ThrowAsync<AwsServiceException>(() => CallAsync<object>(operation, input, account, region));
        e.Code.ShouldBe(code, e.Message);
        e.Status.ShouldBe(code == "ServiceUnavailableException" ? 503 : 400);
        return e;
    }

    public Task CreateGroupAsync(string name, string account = Account) =>
        CallAsync("CreateLogGroup", new CreateLogGroupRequest { LogGroupName = name }, account);

    public Task CreateStreamAsync(string group, string stream, string account = Account) =>
        CallAsync("CreateLogStream", new CreateLogStreamRequest { LogGroupName = group, LogStreamName = stream }, account);

    public Task<PutLogEventsResponse> PutAsync(string group, string stream, params (long Timestamp, string Message)[] events) =>
        CallAsync<PutLogEventsResponse>("PutLogEvents", new PutLogEventsRequest
        {
            LogGroupName = group,
            LogStreamName = stream,
            LogEvents = [.. events.Select(e => new InputLogEvent { Timestamp = e.Timestamp, Message = e.Message })],
        });

    public async Task<LogGroup> DescribeGroupAsync(string name, string account = Account)
    {
        var r = await CallAsync<DescribeLogGroupsResponse>("DescribeLogGroups", new DescribeLogGroupsRequest { LogGroupNamePrefix = name }, account);
        return r.LogGroups!.ShouldHaveSingleItem();
    }

    public async Task<LogStream> DescribeStreamAsync(string group, string stream)
    {
        var r = await CallAsync<DescribeLogStreamsResponse>("DescribeLogStreams", new DescribeLogStreamsRequest { LogGroupName = group, LogStreamNamePrefix = stream });
        return r.LogStreams!.ShouldHaveSingleItem();
    }

    public Task<GetLogEventsResponse> GetAsync(GetLogEventsRequest request) => CallAsync<GetLogEventsResponse>("GetLogEvents", request);

    public Task<FilterLogEventsResponse> FilterAsync(FilterLogEventsRequest request) => CallAsync<FilterLogEventsResponse>("FilterLogEvents", request);

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        _dir.Dispose();
    }
}
