using System.Globalization;
using Vigil.Logs.Api.Paging;
using Vigil.Logs.Api.Validation;
using Vigil.Logs.Engine;
using Vigil.Logs.FilterPatterns;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes.Logs;

namespace Vigil.Logs.Api;

/// <summary>
/// FilterLogEvents: a group's events matching a filter pattern, from all streams or the named ones (or a name
/// prefix; not both), in [startTime, endTime] (both inclusive, as documented), always interleaved by time; oldest
/// first unless startFromHead is false. At most 10,000 events and 1 MB a page; nextToken only when more may follow.
/// searchedLogStreams is empty, as CloudWatch Logs has returned since 2020.
/// </summary>
internal sealed class FilterLogEventsHandler(LogStore store)
{
    /// <summary>Newest-first reads are offered only for windows starting on or after 2024-01-01 (documented).</summary>
    private const long DescendingFloor = 1_704_067_200_000;

    public ValueTask<FilterLogEventsResponse> HandleAsync(CallContext context, FilterLogEventsRequest input, CancellationToken ct)
    {
        var key = LogRules.Group(context, input.LogGroupName, input.LogGroupIdentifier);
        if (input.LogStreamNames is not null && input.LogStreamNamePrefix is not null)
        {
            throw LogsErrors.InvalidParameter("logStreamNames and logStreamNamePrefix are mutually exclusive; specify only one of them.");
        }

        FilterPattern pattern;
        try
        {
            pattern = FilterPattern.Parse(input.FilterPattern);
        }
        catch (FilterPatternException e)
        {
            throw LogsErrors.InvalidParameter($"Invalid filter pattern: {e.Message}");
        }

        var start = input.StartTime ?? long.MinValue;
        var end = input.EndTime is { } e2 && e2 < long.MaxValue ? e2 + 1 : long.MaxValue;
        var fingerprint = Fingerprint.Of(key.AccountId, key.Region, key.Name, pattern.Text, input.LogStreamNamePrefix,
            input.LogStreamNames is null ? null : string.Join('\u0003', input.LogStreamNames.Order(StringComparer.Ordinal)),
            start.ToString(CultureInfo.InvariantCulture), end.ToString(CultureInfo.InvariantCulture));
        FilterToken? token = input.NextToken is { } text ? FilterToken.Parse(text, fingerprint) : null;
        var descending = token?.Descending ?? input.StartFromHead == false;
        if (token is null && descending && input.StartTime is < DescendingFloor)
        {
            throw LogsErrors.InvalidParameter("startFromHead=false is supported only when startTime is on or after Jan 1, 2024 00:00:00 UTC.");
        }

        var result = LogsErrors.Read(() => store.Scan(new LogScan
        {
            Group = key,
            StreamNames = input.LogStreamNames,
            StreamNamePrefix = input.LogStreamNamePrefix,
            StartTime = start,
            EndTime = end,
            Match = ReferenceEquals(pattern, FilterPattern.MatchAll) ? null : pattern.Matches,
            RequiredSubstrings = pattern.RequiredSubstrings,
            Descending = descending,
            After = token?.After,
            Limit = input.Limit ?? 10_000,
        }));

        var output = new FilterLogEventsResponse { Events = new List<FilteredLogEvent>(result.Events.Count), SearchedLogStreams = [] };
        foreach (var e in result.Events)
        {
            output.Events.Add(new FilteredLogEvent
            {
                LogStreamName = e.StreamName,
                Timestamp = e.Timestamp,
                Message = e.Message,
                IngestionTime = e.IngestionTime,
                EventId = EventId(e.Position),
            });
        }

        if (result.HasMore)
        {
            output.NextToken = new FilterToken(descending, result.Events[^1].Position).Format(fingerprint);
        }

        return ValueTask.FromResult(output);
    }

    /// <summary>56 digits, as CloudWatch Logs' event ids: the timestamp and the store-wide sequence, unique in the group.</summary>
    public static string EventId(EventPosition position) =>
        string.Create(CultureInfo.InvariantCulture, $"{position.Timestamp:D20}{position.Seq:D36}");
}
