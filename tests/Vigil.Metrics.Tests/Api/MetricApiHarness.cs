using Vigil.Metrics.Api;
using Vigil.Metrics.Engine;
using Vigil.Storage.Tests;
using Vigil.Metrics.Reading;
using Vigil.Metrics.Tests.Engine;
using Vigil.Protocol.Errors;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes;
using Vigil.Protocol.Shapes.CloudWatch;
using Vigil.Storage.IO;

namespace Vigil.Metrics.Tests.Api;

/// <summary>A clock the test sets: retention, RecentlyActive and timestamp limits all read it.</summary>
internal sealed class FakeTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>
/// The four metric handlers over a real <see cref="MetricStore"/> in a temp directory, called the way the gateway
/// calls them (a <see cref="CallContext"/> and the generated input records), with a fake clock. <see cref="ReopenAsync"/>
/// disposes the store and opens the same directory again, for durability tests.
/// </summary>
internal sealed class MetricApiHarness : IAsyncDisposable
{
    public const string Account = "111111111111";
    public const string OtherAccount = "222222222222";
    public const string Region = "us-east-1";

    /// <summary>"Now" for most tests: a whole hour, so minute and period arithmetic stays readable.</summary>
    public static readonly DateTimeOffset T0 = new(2025, 3, 10, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _dir = new();
    private PutMetricDataHandler _put = null!;
    private ListMetricsHandler _list = null!;
    private GetMetricStatisticsHandler _stats = null!;
    private GetMetricDataHandler _data = null!;

    public MetricApiHarness(DateTimeOffset? now = null)
    {
        Clock = new FakeTimeProvider(now ?? T0);
        Open();
    }

    public FakeTimeProvider Clock { get; }
    public MetricStore Store { get; private set; } = null!;

    private void Open()
    {
        Store = MetricStore.Open(new MetricStoreOptions { Directory = _dir.Path, Sync = SyncMode.None, BackgroundCheckpoints = false, Clock = Clock });
        _put = new PutMetricDataHandler(Store);
        _list = new ListMetricsHandler(Store);
        var reader = new MetricReader(Store);
        _stats = new GetMetricStatisticsHandler(reader);
        _data = new GetMetricDataHandler(reader);
    }

    public async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        Open();
    }

    public static CallContext Context(string operation, string account = Account, string region = Region) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        Identity = new CallerIdentity(account, "tester", $"arn:aws:iam::{account}:user/tester", "AIDATESTER", "AKIATESTER"),
        Region = region,
        Operation = CloudWatchModel.Service.Operations[operation],
        Protocol = WireProtocol.AwsJson1_0,
        ReceivedAt = T0,
    };

    public Task PutAsync(PutMetricDataInput input, string account = Account, string region = Region) =>
        _put.HandleAsync(Context("PutMetricData", account, region), input, CancellationToken.None).AsTask();

    public Task PutAsync(string ns, params MetricDatum[] data) => PutAsync(new PutMetricDataInput { Namespace = ns, MetricData = [.. data] });

    /// <summary>Runs a PutMetricData that must fail and returns its error.</summary>
    public async Task<AwsServiceException> PutFailsAsync(string ns, params MetricDatum[] data) =>
        await Should.ThrowAsync<AwsServiceException>(() => PutAsync(ns, data));

    public ListMetricsOutput List(ListMetricsInput input, string account = Account, string region = Region) =>
        Completed(_list.HandleAsync(Context("ListMetrics", account, region), input, CancellationToken.None));

    public GetMetricStatisticsOutput Stats(GetMetricStatisticsInput input, string account = Account, string region = Region) =>
        Completed(_stats.HandleAsync(Context("GetMetricStatistics", account, region), input, CancellationToken.None));

    public GetMetricDataOutput Data(GetMetricDataInput input, string account = Account, string region = Region) =>
        Completed(_data.HandleAsync(Context("GetMetricData", account, region), input, CancellationToken.None));

    // The read handlers answer synchronously (their errors throw before a ValueTask exists); this asserts as much.
    private static T Completed<T>(ValueTask<T> task)
    {
        task.IsCompletedSuccessfully.ShouldBeTrue();
        return task.AsTask().GetAwaiter().GetResult();
    }

    public AwsServiceException StatsFails(GetMetricStatisticsInput input) => Should.Throw<AwsServiceException>(() => Stats(input));

    public AwsServiceException DataFails(GetMetricDataInput input) => Should.Throw<AwsServiceException>(() => Data(input));

    /// <summary>GetMetricStatistics of one metric over [from, to), datapoints in time order.</summary>
    public List<Datapoint> StatsOf(string ns, string name, DateTimeOffset from, DateTimeOffset to, int period,
        string[]? statistics = null, string[]? extended = null, Dimension[]? dimensions = null, string? unit = null)
    {
        var output = Stats(new GetMetricStatisticsInput
        {
            Namespace = ns,
            MetricName = name,
            Dimensions = dimensions is null ? null : [.. dimensions],
            StartTime = from,
            EndTime = to,
            Period = period,
            Statistics = statistics is null ? (extended is null ? ["SampleCount", "Average", "Sum", "Minimum", "Maximum"] : null) : [.. statistics],
            ExtendedStatistics = extended is null ? null : [.. extended],
            Unit = unit,
        });
        output.Label.ShouldBe(name);
        return [.. output.Datapoints!.OrderBy(d => d.Timestamp).ThenBy(d => d.Unit, StringComparer.Ordinal)];
    }

    /// <summary>ListMetrics rendered as "Namespace Name Dim=Value,…" strings, in the order returned.</summary>
    public List<string> Listed(ListMetricsInput input, string account = Account, string region = Region) =>
        [.. List(input, account, region).Metrics!.Select(Render)];

    public static string Render(Metric m) =>
        $"{m.Namespace} {m.MetricName}" + (m.Dimensions is { Count: > 0 } d ? " " + string.Join(",", d.Select(x => $"{x.Name}={x.Value}")) : "");

    public static MetricDatum Datum(string name, double value, DateTimeOffset at, string? unit = null, params Dimension[] dims) => new()
    {
        MetricName = name,
        Value = value,
        Timestamp = at,
        Unit = unit,
        Dimensions = dims.Length == 0 ? null : [.. dims],
    };

    public static Dimension Dim(string name, string value) => new() { Name = name, Value = value };

    public static MetricDataQuery Stat(string id, string ns, string name, string stat, int period = 60, params Dimension[] dims) => new()
    {
        Id = id,
        MetricStat = new MetricStat
        {
            Metric = new Metric { Namespace = ns, MetricName = name, Dimensions = dims.Length == 0 ? null : [.. dims] },
            Period = period,
            Stat = stat,
        },
    };

    public static MetricDataQuery Expr(string id, string expression, string? label = null, int? period = null) =>
        new() { Id = id, Expression = expression, Label = label, Period = period };

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        _dir.Dispose();
    }
}
