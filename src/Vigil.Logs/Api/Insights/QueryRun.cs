using Vigil.Logs.Engine.Catalog;
using Vigil.Logs.Insights;

namespace Vigil.Logs.Api.Insights;

/// <summary>CloudWatch Logs' query states, as the wire spells them.</summary>
internal static class QueryStatus
{
    public const string Scheduled = "Scheduled";
    public const string Running = "Running";
    public const string Complete = "Complete";
    public const string Failed = "Failed";
    public const string Cancelled = "Cancelled";
    public const string Timeout = "Timeout";

    public static bool IsActive(string status) => status is Scheduled or Running;
}

/// <summary>
/// One StartQuery: what was asked, its state and, once finished, its result. Written by the query's background task,
/// read by any request thread: the state fields are volatile or updated with Interlocked, and the result is published
/// before the final status.
/// </summary>
internal sealed class QueryRun(string id, string accountId, string region, string userArn, InsightsQuery query, IReadOnlyList<LogGroupKey> groups, int? limit, long createTime)
{
    private volatile string _status = QueryStatus.Scheduled;
    private long _recordsScanned;
    private long _bytesScanned;
    private long _recordsMatched;
    private IReadOnlyList<IReadOnlyList<ResultField>>? _rows;
    private QueryFigures? _figures;

    public string Id { get; } = id;
    public string AccountId { get; } = accountId;
    public string Region { get; } = region;
    public string UserArn { get; } = userArn;
    public InsightsQuery Query { get; } = query;
    public IReadOnlyList<LogGroupKey> Groups { get; } = groups;

    /// <summary>StartQuery's <c>limit</c>: at most this many rows are returned (null: the query's own limit).</summary>
    public int? Limit { get; } = limit;

    /// <summary>Epoch milliseconds.</summary>
    public long CreateTime { get; } = createTime;

    public CancellationTokenSource Cancellation { get; } = new();

    public string Status => _status;

    /// <summary>The results so far while Running (<see cref="Publish"/>); the final ones, set before <see cref="Status"/>
    /// becomes Complete.</summary>
    public IReadOnlyList<IReadOnlyList<ResultField>>? Rows { get => Volatile.Read(ref _rows); set => Volatile.Write(ref _rows, value); }

    /// <summary>Set before the status leaves Running.</summary>
    public QueryFigures? Figures { get => Volatile.Read(ref _figures); set => Volatile.Write(ref _figures, value); }

    public long EndTime { get; set; }

    public bool StopRequested { get; set; }

    public long RecordsScanned => Interlocked.Read(ref _recordsScanned);

    public long BytesScanned => Interlocked.Read(ref _bytesScanned);

    /// <summary>Events that passed the filters so far (the partial results' count while Running).</summary>
    public long RecordsMatched => Interlocked.Read(ref _recordsMatched);

    /// <summary>Results so far, while the query runs.</summary>
    public void Publish(IReadOnlyList<IReadOnlyList<ResultField>> rows, long recordsMatched)
    {
        Rows = rows;
        Interlocked.Exchange(ref _recordsMatched, recordsMatched);
    }

    public void SetStatus(string status) => _status = status;

    public void Progress(long records, long bytes)
    {
        Interlocked.Exchange(ref _recordsScanned, records);
        Interlocked.Exchange(ref _bytesScanned, bytes);
    }
}

/// <summary>A finished query's statistics, in GetQueryResults' terms.</summary>
internal sealed record QueryFigures(long RecordsMatched, long RecordsScanned, long BytesScanned, long RecordsSkipped, long BytesSkipped, int LogGroupsScanned);
