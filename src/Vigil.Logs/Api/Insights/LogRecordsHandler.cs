using System.Globalization;
using Vigil.Logs.Api.Validation;
using Vigil.Logs.Engine;
using Vigil.Logs.Engine.Catalog;
using Vigil.Logs.Insights.Execution;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes.Logs;

namespace Vigil.Logs.Api.Insights;

/// <summary>
/// GetLogRecord (an <c>@ptr</c> back to the whole event: system fields and the fields Insights discovers) and
/// GetLogGroupFields (each field's share of the events in a window, from the same discovery).
/// </summary>
internal sealed class LogRecordsHandler(LogStore store)
{
    /// <summary>GetLogGroupFields reads the 8 minutes either side of <c>time</c>, else the last 15 minutes (documented).</summary>
    private const long HalfWindow = 8 * 60_000;
    private const long DefaultWindow = 15 * 60_000;

    private static readonly string[] SystemFields = ["@ingestionTime", "@log", "@logStream", "@message", "@timestamp"];

    public ValueTask<GetLogRecordResponse> GetLogRecordAsync(CallContext context, GetLogRecordRequest input, CancellationToken ct)
    {
        if (!LogRecordPointer.TryDecode(input.LogRecordPointer!, out var ptr) || ptr.LogGroup.Split(':', 2) is not [var account, var name])
        {
            throw LogsErrors.InvalidParameter("The specified logRecordPointer is invalid.");
        }

        if (account != context.Identity.AccountId)
        {
            throw LogRecordNotFound();
        }

        var key = new LogGroupKey(account, context.Region, name);
        var page = LogsErrors.Read(() => store.Scan(new LogScan
        {
            Group = key,
            StreamNames = [ptr.LogStream],
            StartTime = ptr.Timestamp,
            EndTime = ptr.Timestamp + 1,
            Limit = 10_000,
            MaxBytes = long.MaxValue,
        }));
        var e = page.Events.FirstOrDefault(x => x.Seq == ptr.Seq) ?? throw LogRecordNotFound();
        var record = new Dictionary<string, string>(StringComparer.Ordinal);
        if (DiscoveredFields.Discover(e.Message) is { } discovered)
        {
            foreach (var (field, value) in discovered)
            {
                if (value.Render() is { } text)
                {
                    record[field] = text;
                }
            }
        }

        record["@ingestionTime"] = e.IngestionTime.ToString(CultureInfo.InvariantCulture);
        record["@log"] = ptr.LogGroup;
        record["@logStream"] = e.StreamName;
        record["@message"] = e.Message;
        record["@timestamp"] = e.Timestamp.ToString(CultureInfo.InvariantCulture);
        return ValueTask.FromResult(new GetLogRecordResponse { LogRecord = record });
    }

    public ValueTask<GetLogGroupFieldsResponse> GetLogGroupFieldsAsync(CallContext context, GetLogGroupFieldsRequest input, CancellationToken ct)
    {
        var key = LogRules.Group(context, input.LogGroupName, input.LogGroupIdentifier);
        if (store.GetLogGroup(key) is null)
        {
            throw LogsErrors.GroupNotFound();
        }

        var (start, end) = input.Time is { } t && t is > -9_000_000_000_000 and < 9_000_000_000_000
            ? ((t * 1000) - HalfWindow, (t * 1000) + HalfWindow)
            : (store.Clock.GetUtcNow().ToUnixTimeMilliseconds() - DefaultWindow, store.Clock.GetUtcNow().ToUnixTimeMilliseconds());
        var result = store.ScanForQuery(new LogQueryScan { Groups = [key], StartTime = start, EndTime = end }, () => new FieldCountSink(), ct);
        long events = 0;
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var sink in result.Sinks)
        {
            events += sink.Events;
            foreach (var (field, n) in sink.Counts)
            {
                counts[field] = counts.GetValueOrDefault(field) + n;
            }
        }

        var fields = new List<LogGroupField>();
        if (events > 0)
        {
            fields.AddRange(SystemFields.Select(f => new LogGroupField { Name = f, Percent = 100 }));
            fields.AddRange(counts
                .Select(c => new LogGroupField { Name = c.Key, Percent = (int)Math.Round(100.0 * c.Value / events, MidpointRounding.AwayFromZero) })
                .OrderByDescending(f => f.Percent).ThenBy(f => f.Name, StringComparer.Ordinal));
        }

        return ValueTask.FromResult(new GetLogGroupFieldsResponse { LogGroupFields = fields });
    }

    private static Protocol.Errors.AwsServiceException LogRecordNotFound() =>
        Protocol.Errors.AwsServiceException.FromModel(LogsModel.Service, "ResourceNotFoundException", "The specified log record does not exist.");

    /// <summary>Counts events and the fields discovered in them; one per scan worker.</summary>
    private sealed class FieldCountSink : ILogQuerySink
    {
        public long Events { get; private set; }

        public Dictionary<string, long> Counts { get; } = new(StringComparer.Ordinal);

        public long StopBelow => long.MinValue;

        public void Add(int group, string stream, long timestamp, long ingestionTime, long seq, int index, ReadOnlyMemory<byte> message)
        {
            Events++;
            if (DiscoveredFields.Discover(System.Text.Encoding.UTF8.GetString(message.Span)) is { } fields)
            {
                foreach (var field in fields.Keys)
                {
                    Counts[field] = Counts.GetValueOrDefault(field) + 1;
                }
            }
        }
    }
}
