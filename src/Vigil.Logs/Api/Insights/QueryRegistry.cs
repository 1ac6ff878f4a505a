using Vigil.Logs.Engine;
using Vigil.Logs.Engine.Catalog;
using Vigil.Logs.Insights;
using Vigil.Logs.Insights.Plan;

namespace Vigil.Logs.Api.Insights;

/// <summary>
/// The Logs Insights queries of every account: started, run in the background, and kept for GetQueryResults and
/// DescribeQueries. Limits (AWS's where AWS documents one):
/// <list type="bullet">
/// <item>at most <see cref="MaxActivePerAccount"/> queries Scheduled or Running per account and region (AWS: 100
/// concurrent queries; more is LimitExceededException);</item>
/// <item>at most <see cref="ConcurrentScans"/> scans at once server-wide, since each scan already uses every core;
/// the others wait as Scheduled;</item>
/// <item>a query that runs longer than <see cref="Timeout"/> (AWS: 60 minutes) ends as Timeout;</item>
/// <item>finished queries are kept in memory only, the newest <see cref="KeptPerAccount"/> per account and region
/// (AWS keeps results for 7 days); a restart forgets them.</item>
/// </list>
/// Thread-safe: the table is guarded by one lock; each query's state is published by its own task.
/// </summary>
#pragma warning disable CA1001 // Lives as long as the server, as the handlers that hold it; its semaphore needs no disposal (no wait handle is ever taken).
internal sealed class QueryRegistry(LogStore store, TimeSpan? partialInterval = null)
#pragma warning restore CA1001
{
    /// <summary>How often a running query's results are refreshed for GetQueryResults (per scan worker).</summary>
    public static readonly TimeSpan PartialInterval = TimeSpan.FromSeconds(1);

    public const int MaxActivePerAccount = 100;
    public const int KeptPerAccount = 1000;
    public static readonly int ConcurrentScans = Math.Max(1, Environment.ProcessorCount / 2);
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(60);

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Account, string Region), List<QueryRun>> _byAccount = [];
    private readonly SemaphoreSlim _scanGate = new(ConcurrentScans, ConcurrentScans);

    public LogStore Store => store;

    /// <summary>Registers and starts the query; false when the account already has its maximum of active queries.</summary>
    public bool TryStart(QueryRun run)
    {
        lock (_lock)
        {
            var key = (run.AccountId, run.Region);
            if (!_byAccount.TryGetValue(key, out var runs))
            {
                _byAccount[key] = runs = [];
            }

            if (runs.Count(r => QueryStatus.IsActive(r.Status)) >= MaxActivePerAccount)
            {
                return false;
            }

            runs.Add(run);
            if (runs.Count > KeptPerAccount && runs.FindIndex(r => !QueryStatus.IsActive(r.Status)) is >= 0 and var oldest)
            {
                runs.RemoveAt(oldest);
            }
        }

        _ = Task.Run(() => RunAsync(run));
        return true;
    }

    /// <summary>The query with this id in the caller's account and region; another account's id is simply unknown.</summary>
    public QueryRun? Find(string accountId, string region, string queryId)
    {
        lock (_lock)
        {
            return _byAccount.TryGetValue((accountId, region), out var runs) ? runs.Find(r => r.Id == queryId) : null;
        }
    }

    /// <summary>The account's queries, newest first.</summary>
    public IReadOnlyList<QueryRun> List(string accountId, string region)
    {
        lock (_lock)
        {
            return _byAccount.TryGetValue((accountId, region), out var runs) ? [.. Enumerable.Reverse(runs)] : [];
        }
    }

    /// <summary>Asks a Scheduled or Running query to stop; false when it has already ended.</summary>
    public static bool Stop(QueryRun run)
    {
        lock (run)
        {
            if (!QueryStatus.IsActive(run.Status))
            {
                return false;
            }

            run.StopRequested = true;
        }

        run.Cancellation.Cancel();
        return true;
    }

    private async Task RunAsync(QueryRun run)
    {
        using var timeout = new CancellationTokenSource(Timeout, store.Clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(run.Cancellation.Token, timeout.Token);
        var token = linked.Token;
        var entered = false;
        try
        {
            await _scanGate.WaitAsync(token).ConfigureAwait(false);
            entered = true;
            run.SetStatus(QueryStatus.Running);
            Execute(run, token);
            Finish(run, QueryStatus.Complete);
        }
        catch (OperationCanceledException)
        {
            Finish(run, run.StopRequested ? QueryStatus.Cancelled : QueryStatus.Timeout);
        }
#pragma warning disable CA1031 // A background query's failure is its status, as GetQueryResults reports it.
        catch (Exception)
#pragma warning restore CA1031
        {
            Finish(run, QueryStatus.Failed);
        }
        finally
        {
            if (entered)
            {
                _scanGate.Release();
            }
        }
    }

    private void Execute(QueryRun run, CancellationToken token)
    {
        var partial = new PartialResults(run.Query, partialInterval ?? PartialInterval, store.Clock, r => run.Publish(Limit(run, r.Rows), r.Statistics.RecordsMatched));
        var (finished, scan) = Run(store, run.Query, run.Groups, (records, bytes) => run.Progress(records, bytes), token, partial);
        var rows = Limit(run, finished.Rows);
        run.Progress(scan.RecordsScanned, scan.BytesScanned);
        run.Figures = new QueryFigures(finished.Statistics.RecordsMatched, scan.RecordsScanned, scan.BytesScanned,
            scan.RecordsSkipped, scan.BytesSkipped, scan.LogGroupsScanned);
        run.Rows = rows;
    }

    private static IReadOnlyList<IReadOnlyList<ResultField>> Limit(QueryRun run, IReadOnlyList<IReadOnlyList<ResultField>> rows) =>
        run.Limit is { } limit && rows.Count > limit ? rows.Take(limit).ToArray() : rows;

    /// <summary>Runs a compiled query over the groups on the calling thread plus the scan's workers: one accumulator
    /// per worker, merged, then finished; with <paramref name="partial"/>, results so far are published as the scan
    /// goes. Also the benchmark's entry point. A diff query scans its comparison window too, into accumulators that
    /// count as previous; the figures are the sum of both scans, as AWS bills a comparison like one query over both
    /// ranges.</summary>
    public static (InsightsResult Result, LogQueryScanResult<AccumulatorSink> Scan) Run(
        LogStore store, InsightsQuery query, IReadOnlyList<LogGroupKey> groups, Action<long, long>? progress, CancellationToken token,
        PartialResults? partial = null)
    {
        var logNames = groups.Select(g => $"{g.AccountId}:{g.Name}").ToArray();
        var scan = Scan(store, query, groups, logNames, new TimeWindow(query.Hints.StartTime, query.Hints.EndTime), comparison: false, progress, partial, token);
        if (query.ComparisonWindow is { } window)
        {
            var first = scan;
            var second = Scan(store, query, groups, logNames, window, comparison: true,
                progress is null ? null : (records, bytes) => progress(first.RecordsScanned + records, first.BytesScanned + bytes), partial, token);
            scan = new LogQueryScanResult<AccumulatorSink>([.. first.Sinks, .. second.Sinks], Math.Max(first.LogGroupsScanned, second.LogGroupsScanned),
                first.RecordsScanned + second.RecordsScanned, first.BytesScanned + second.BytesScanned,
                first.RecordsSkipped + second.RecordsSkipped, first.BytesSkipped + second.BytesSkipped);
        }

        if (partial is not null)
        {
            return (query.Finish(partial.Complete(scan.Sinks.Select(s => s.Accumulator))), scan);
        }

        var accumulator = scan.Sinks[0].Accumulator;
        for (var i = 1; i < scan.Sinks.Count; i++)
        {
            accumulator.Merge(scan.Sinks[i].Accumulator);
        }

        return (query.Finish(accumulator), scan);
    }

    private static LogQueryScanResult<AccumulatorSink> Scan(LogStore store, InsightsQuery query, IReadOnlyList<LogGroupKey> groups, string[] logNames,
        TimeWindow window, bool comparison, Action<long, long>? progress, PartialResults? partial, CancellationToken token) =>
        store.ScanForQuery(new LogQueryScan
        {
            Groups = groups,
            StartTime = window.StartTime,
            EndTime = window.EndTime,
            RequiredSubstrings = query.Hints.RequiredSubstrings,
            NewestFirst = query.Hints.StopAfterRows is not null,
            Progress = progress is null ? null : p => progress(p.RecordsScanned, p.BytesScanned),
        }, () => new AccumulatorSink(query, logNames, comparison, partial), token);

    private void Finish(QueryRun run, string status)
    {
        lock (run)
        {
            run.EndTime = store.Clock.GetUtcNow().ToUnixTimeMilliseconds();
            run.SetStatus(run.StopRequested ? QueryStatus.Cancelled : status);
        }
    }
}
