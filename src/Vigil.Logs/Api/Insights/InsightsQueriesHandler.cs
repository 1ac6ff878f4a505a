using Vigil.Logs.Api.Validation;
using Vigil.Logs.Engine.Catalog;
using Vigil.Logs.Insights;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes.Logs;

namespace Vigil.Logs.Api.Insights;

/// <summary>
/// StartQuery, GetQueryResults, StopQuery and DescribeQueries over the <see cref="QueryRegistry"/>. StartQuery takes
/// its window in epoch seconds, both ends inclusive: events from <c>startTime × 1000</c> to <c>endTime × 1000 + 999</c>
/// ms (the whole last second). GetQueryResults returns the rows so far while the query is Running (partial results,
/// refreshed as the scan goes, as AWS shows them) and the final rows once Complete, in pages of <c>maxItems</c> when asked.
/// </summary>
internal sealed class InsightsQueriesHandler(QueryRegistry registry)
{
    public const int MaxLogGroups = 50;
    public const string Language = "CWLI";

    public ValueTask<StartQueryResponse> StartQueryAsync(CallContext context, StartQueryRequest input, CancellationToken ct)
    {
        if (input.QueryLanguage is { } language && language != Language)
        {
            throw LogsErrors.InvalidParameter($"Query language {language} is not supported by this server; use {Language}.");
        }

        var groups = Groups(context, input);
        var start = input.StartTime!.Value;
        var end = input.EndTime!.Value;
        if (end < start)
        {
            throw LogsErrors.InvalidParameter("endTime must be greater than or equal to startTime.");
        }

        InsightsQuery query;
        try
        {
            query = InsightsQuery.Compile(input.QueryString!, Seconds(start), end > long.MaxValue / 1000 - 1 ? long.MaxValue : Seconds(end) + 999);
        }
        catch (InsightsQueryException e)
        {
            throw InsightsErrors.Malformed(e);
        }

        var run = new QueryRun(Guid.NewGuid().ToString(), context.Identity.AccountId, context.Region, context.Identity.Arn,
            query, groups, input.Limit, registry.Store.Clock.GetUtcNow().ToUnixTimeMilliseconds());
        if (!registry.TryStart(run))
        {
            throw InsightsErrors.TooManyQueries();
        }

        return ValueTask.FromResult(new StartQueryResponse { QueryId = run.Id });
    }

    public ValueTask<GetQueryResultsResponse> GetQueryResultsAsync(CallContext context, GetQueryResultsRequest input, CancellationToken ct)
    {
        var run = registry.Find(context.Identity.AccountId, context.Region, input.QueryId!) ?? throw InsightsErrors.QueryNotFound();
        var status = run.Status;
        var output = new GetQueryResultsResponse { QueryLanguage = Language, Status = status, Results = [] };
        var figures = run.Figures;
        output.Statistics = figures is null
            ? new QueryStatistics { RecordsMatched = run.RecordsMatched, RecordsScanned = run.RecordsScanned, BytesScanned = run.BytesScanned, LogGroupsScanned = run.Groups.Count }
            : new QueryStatistics
            {
                RecordsMatched = figures.RecordsMatched,
                RecordsScanned = figures.RecordsScanned,
                BytesScanned = figures.BytesScanned,
                EstimatedRecordsSkipped = figures.RecordsSkipped,
                EstimatedBytesSkipped = figures.BytesSkipped,
                LogGroupsScanned = figures.LogGroupsScanned,
            };
        // While Running, the results so far (AWS shows partial results too); after a stop, timeout or failure, none.
        if (status is not (QueryStatus.Complete or QueryStatus.Running) || run.Rows is not { } rows)
        {
            return ValueTask.FromResult(output);
        }

        var from = OffsetToken.Start(input.NextToken, rows.Count);

        var count = Math.Min(rows.Count - from, input.MaxItems ?? 10_000);
        for (var i = from; i < from + count; i++)
        {
            output.Results.Add([.. rows[i].Select(f => new Protocol.Shapes.Logs.ResultField { Field = f.Field, Value = f.Value })]);
        }

        output.NextToken = OffsetToken.After(from, count, rows.Count);

        return ValueTask.FromResult(output);
    }

    public ValueTask<StopQueryResponse> StopQueryAsync(CallContext context, StopQueryRequest input, CancellationToken ct)
    {
        var run = registry.Find(context.Identity.AccountId, context.Region, input.QueryId!) ?? throw InsightsErrors.QueryNotFound();
        if (!QueryRegistry.Stop(run))
        {
            throw LogsErrors.InvalidParameter($"Query {run.Id} is not running; its status is {run.Status}.");
        }

        return ValueTask.FromResult(new StopQueryResponse { Success = true });
    }

    public ValueTask<DescribeQueriesResponse> DescribeQueriesAsync(CallContext context, DescribeQueriesRequest input, CancellationToken ct)
    {
        if (input.QueryLanguage is { } language && language != Language)
        {
            return ValueTask.FromResult(new DescribeQueriesResponse { Queries = [] });
        }

        var runs = registry.List(context.Identity.AccountId, context.Region)
            .Where(r => input.Status is null || r.Status == input.Status)
            .Where(r => input.LogGroupName is null || r.Groups.Any(g => g.Name == input.LogGroupName))
            .ToList();
        var from = OffsetToken.Start(input.NextToken, runs.Count);

        var count = Math.Min(runs.Count - from, input.MaxResults ?? 1000);
        var output = new DescribeQueriesResponse { Queries = new List<QueryInfo>(count) };
        foreach (var run in runs.Skip(from).Take(count))
        {
            var end = QueryStatus.IsActive(run.Status) ? registry.Store.Clock.GetUtcNow().ToUnixTimeMilliseconds() : run.EndTime;
            output.Queries.Add(new QueryInfo
            {
                QueryLanguage = Language,
                QueryId = run.Id,
                QueryString = run.Query.Text,
                Status = run.Status,
                CreateTime = run.CreateTime,
                LogGroupName = run.Groups[0].Name,
                QueryDuration = Math.Max(0, end - run.CreateTime),
                BytesScanned = run.BytesScanned,
                UserIdentity = run.UserArn,
            });
        }

        output.NextToken = OffsetToken.After(from, count, runs.Count);

        return ValueTask.FromResult(output);
    }

    private static long Seconds(long seconds) => seconds < long.MinValue / 1000 ? long.MinValue : seconds * 1000;

    /// <summary>Exactly one of logGroupName, logGroupNames and logGroupIdentifiers; every group must exist.</summary>
    private LogGroupKey[] Groups(CallContext context, StartQueryRequest input)
    {
        var given = (input.LogGroupName is null ? 0 : 1) + (input.LogGroupNames is null ? 0 : 1) + (input.LogGroupIdentifiers is null ? 0 : 1);
        if (given != 1)
        {
            throw LogsErrors.InvalidParameter("Exactly one of logGroupName, logGroupNames or logGroupIdentifiers must be specified.");
        }

        var keys = input.LogGroupName is { } name ? [LogRules.Key(context, name)]
            : input.LogGroupNames is { } names ? names.Select(n => LogRules.Key(context, n)).ToArray()
            : input.LogGroupIdentifiers!.Select(i => LogRules.Identified(context, i)).ToArray();
        if (keys.Length == 0 || keys.Length > MaxLogGroups)
        {
            throw LogsErrors.InvalidParameter($"A query must name between 1 and {MaxLogGroups} log groups.");
        }

        foreach (var key in keys)
        {
            if (registry.Store.GetLogGroup(key) is null)
            {
                throw InsightsErrors.GroupNotFound(key);
            }
        }

        return [.. keys.Distinct()];
    }
}
