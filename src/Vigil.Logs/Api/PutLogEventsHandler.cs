using System.Globalization;
using System.Text;
using Vigil.Logs.Api.Validation;
using Vigil.Logs.Engine;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes.Logs;

namespace Vigil.Logs.Api;

/// <summary>
/// PutLogEvents with CloudWatch Logs' limits. The whole call is refused, storing nothing, when an event exceeds
/// 1 MiB, the batch exceeds 1,048,576 bytes (UTF-8 messages plus 26 bytes an event), the events are out of
/// chronological order, or the accepted events span more than 24 hours. Otherwise events older than 14 days
/// (a leading run, since events are in order) are rejected as too old, those before the group's retention as
/// expired, those more than 2 hours ahead (a trailing run) as too new, and the middle is stored. The reported
/// end indices are exclusive and the start index inclusive, as documented. The sequence token is ignored.
/// </summary>
internal sealed class PutLogEventsHandler(LogStore store)
{
    public const int MaxBatchBytes = 1_048_576;
    public const long MaxAgeMs = 14L * 86_400_000;
    public const long MaxAheadMs = 2L * 3_600_000;
    public const long MaxSpanMs = 24L * 3_600_000;

    public async ValueTask<PutLogEventsResponse> HandleAsync(CallContext context, PutLogEventsRequest input, CancellationToken ct)
    {
        var events = input.LogEvents!;
        long batchBytes = 0;
        long previous = long.MinValue;
        foreach (var e in events)
        {
            var size = Encoding.UTF8.GetByteCount(e.Message!) + LogStore.EventOverheadBytes;
            if (size > MaxBatchBytes)
            {
                throw LogsErrors.InvalidParameter($"Log event too large: {size} bytes exceeds limit of {MaxBatchBytes}");
            }

            batchBytes += size;
            if (e.Timestamp!.Value < previous)
            {
                throw LogsErrors.InvalidParameter("Log events in a single PutLogEvents request must be in chronological order.");
            }

            previous = e.Timestamp.Value;
        }

        if (batchBytes > MaxBatchBytes)
        {
            throw LogsErrors.InvalidParameter($"Upload too large: {batchBytes} bytes exceeds limit of {MaxBatchBytes}");
        }

        var key = LogRules.Key(context, input.LogGroupName!);
        var group = store.GetLogGroup(key) ?? throw LogsErrors.GroupNotFound();
        _ = LogsErrors.Read(() => store.GetLogStream(key, input.LogStreamName!)) ?? throw LogsErrors.StreamNotFound();

        var now = store.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var tooOldEnd = CountBefore(events, now - MaxAgeMs);
        var expiredEnd = group.RetentionInDays is { } days ? CountBefore(events, now - (days * 86_400_000L)) : 0;
        var tooNewStart = CountBefore(events, now + MaxAheadMs + 1);
        var first = Math.Min(Math.Max(tooOldEnd, expiredEnd), tooNewStart);
        if (tooNewStart - first > 1 && events[tooNewStart - 1].Timestamp!.Value - events[first].Timestamp!.Value > MaxSpanMs)
        {
            throw LogsErrors.InvalidParameter("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.");
        }

        var accepted = new (long Timestamp, string Message)[tooNewStart - first];
        for (var i = first; i < tooNewStart; i++)
        {
            accepted[i - first] = (events[i].Timestamp!.Value, events[i].Message!);
        }

        var ingestionTime = now;
        if (accepted.Length > 0)
        {
            try
            {
                ingestionTime = (await store.AppendAsync(key, input.LogStreamName!, accepted, ct).ConfigureAwait(false)).IngestionTime;
            }
            catch (LogStoreException e)
            {
                throw LogsErrors.From(e);
            }
        }

        var rejected = tooOldEnd > 0 || expiredEnd > 0 || tooNewStart < events.Count;
        return new PutLogEventsResponse
        {
            NextSequenceToken = SequenceToken(ingestionTime, accepted.Length),
            RejectedLogEventsInfo = rejected
                ? new RejectedLogEventsInfo
                {
                    TooOldLogEventEndIndex = tooOldEnd > 0 ? tooOldEnd : null,
                    ExpiredLogEventEndIndex = expiredEnd > 0 ? expiredEnd : null,
                    TooNewLogEventStartIndex = tooNewStart < events.Count ? tooNewStart : null,
                }
                : null,
        };
    }

    /// <summary>How many leading events (in chronological order) have a timestamp before <paramref name="cutoff"/>.</summary>
    private static int CountBefore(List<InputLogEvent> events, long cutoff)
    {
        var n = 0;
        while (n < events.Count && events[n].Timestamp!.Value < cutoff)
        {
            n++;
        }

        return n;
    }

    /// <summary>A 56-digit token in CloudWatch Logs' shape; clients may keep sending it, and it is ignored.</summary>
    private static string SequenceToken(long ingestionTime, int stored) =>
        string.Create(CultureInfo.InvariantCulture, $"{ingestionTime:D28}{stored:D28}");
}
