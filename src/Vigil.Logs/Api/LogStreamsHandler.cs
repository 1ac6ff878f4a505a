using System.Globalization;
using Vigil.Logs.Api.Paging;
using Vigil.Logs.Api.Validation;
using Vigil.Logs.Engine;
using Vigil.Logs.Engine.Catalog;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes.Logs;

namespace Vigil.Logs.Api;

/// <summary>
/// CreateLogStream, DeleteLogStream and DescribeLogStreams. Streams are listed by name or by last event time
/// (not both with a name prefix, as CloudWatch Logs refuses), ascending or descending, 50 a page by default;
/// storedBytes is 0, as CloudWatch Logs has reported for streams since 2019.
/// </summary>
internal sealed class LogStreamsHandler(LogStore store)
{
    public const int DefaultLimit = 50;

    public ValueTask CreateLogStreamAsync(CallContext context, CreateLogStreamRequest input, CancellationToken ct) =>
        LogsErrors.Run(() => store.CreateLogStreamAsync(LogRules.Key(context, input.LogGroupName!), input.LogStreamName!, ct));

    public ValueTask DeleteLogStreamAsync(CallContext context, DeleteLogStreamRequest input, CancellationToken ct)
    {
        var key = LogRules.Key(context, input.LogGroupName!);
        // Deletion protection blocks every deletion in the group, its streams included.
        if ((store.GetLogGroup(key) ?? throw LogsErrors.GroupNotFound()).DeletionProtection)
        {
            throw LogsErrors.DeletionProtected("log stream in a log group");
        }

        return LogsErrors.Run(() => store.DeleteLogStreamAsync(key, input.LogStreamName!, ct));
    }

    public ValueTask<DescribeLogStreamsResponse> DescribeLogStreamsAsync(CallContext context, DescribeLogStreamsRequest input, CancellationToken ct)
    {
        var key = LogRules.Group(context, input.LogGroupName, input.LogGroupIdentifier);
        var byTime = input.OrderBy == "LastEventTime";
        if (byTime && input.LogStreamNamePrefix is not null)
        {
            throw LogsErrors.InvalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.");
        }

        var descending = input.Descending == true;
        var fingerprint = Fingerprint.Of(key.AccountId, key.Region, key.Name, input.LogStreamNamePrefix, input.OrderBy ?? "LogStreamName", descending ? "desc" : "asc");
        var after = input.NextToken is { } token ? ListToken.Read(token, fingerprint) : null;
        var streams = LogsErrors.Read(() => store.ListLogStreams(key));
        IEnumerable<LogStreamInfo> ordered = byTime
            ? streams.OrderBy(SortKey, StringComparer.Ordinal)
            : streams.Where(s => input.LogStreamNamePrefix is not { } p || s.Name.StartsWith(p, StringComparison.Ordinal));
        if (descending)
        {
            ordered = ordered.Reverse();
        }

        var output = new DescribeLogStreamsResponse { LogStreams = [] };
        var limit = input.Limit ?? DefaultLimit;
        LogStreamInfo? last = null;
        foreach (var stream in ordered)
        {
            var sortKey = SortKey(stream);
            if (after is not null && (descending ? string.CompareOrdinal(sortKey, after) >= 0 : string.CompareOrdinal(sortKey, after) <= 0))
            {
                continue;
            }

            if (output.LogStreams.Count == limit)
            {
                output.NextToken = ListToken.Create(fingerprint, SortKey(last!));
                break;
            }

            output.LogStreams.Add(Describe(key, stream));
            last = stream;
        }

        return ValueTask.FromResult(output);

        // Names sort ordinally; by time, streams without events come first, then by last event time, ties by name.
        string SortKey(LogStreamInfo s) => byTime
            ? string.Create(CultureInfo.InvariantCulture, $"{(s.LastEventTimestamp is { } t ? t + 1 : 0):D20}\u0000{s.Name}")
            : s.Name;
    }

    private static LogStream Describe(LogGroupKey group, LogStreamInfo stream) => new()
    {
        LogStreamName = stream.Name,
        CreationTime = stream.CreationTime,
        FirstEventTimestamp = stream.FirstEventTimestamp,
        LastEventTimestamp = stream.LastEventTimestamp,
        LastIngestionTime = stream.LastIngestionTime,
        Arn = LogRules.StreamArn(group, stream.Name),
        StoredBytes = 0,
    };
}
