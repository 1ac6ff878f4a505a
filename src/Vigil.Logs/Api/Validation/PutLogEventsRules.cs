using System.Globalization;
using Vigil.Logs.Engine;
using Vigil.Protocol.Errors;
using Vigil.Protocol.Shapes.Logs;

namespace Vigil.Logs.Api.Validation;

/// <summary>Why a whole PutLogEvents call is refused (nothing stored); <see cref="None"/> when it is not.</summary>
internal enum PutLogEventsRefusal
{
    None,
    EventTooLarge,
    OutOfOrder,
    UploadTooLarge,
    SpanTooLong,
}

/// <summary>
/// Which events of an in-order batch are stored: <c>[First, TooNewStart)</c>. The leading <c>TooOldEnd</c> events
/// are older than 14 days, the leading <c>ExpiredEnd</c> older than the group's retention, and those from
/// <c>TooNewStart</c> on more than 2 hours ahead.
/// </summary>
internal readonly record struct PutLogEventsSplit(int Count, int TooOldEnd, int ExpiredEnd, int TooNewStart)
{
    public int First => Math.Min(Math.Max(TooOldEnd, ExpiredEnd), TooNewStart);

    public int Accepted => TooNewStart - First;
}

/// <summary>
/// CloudWatch Logs' PutLogEvents rules over a batch's timestamps and UTF-8 message sizes, shared by
/// <see cref="PutLogEventsHandler"/> and the JSON fast path so both refuse, reject and store alike. The whole call is
/// refused when an event exceeds 1 MiB, the batch exceeds 1,048,576 bytes (UTF-8 messages plus 26 bytes an event),
/// the events are out of chronological order, or the accepted events span more than 24 hours. Otherwise events older
/// than 14 days (a leading run, since events are in order) are rejected as too old, those before the group's
/// retention as expired, those more than 2 hours ahead (a trailing run) as too new, and the middle is stored.
/// </summary>
internal static class PutLogEventsRules
{
    public const int MaxBatchBytes = 1_048_576;
    public const long MaxAgeMs = 14L * 86_400_000;
    public const long MaxAheadMs = 2L * 3_600_000;
    public const long MaxSpanMs = 24L * 3_600_000;

    /// <summary>
    /// The checks made before the group is looked up, in the order the handler reports them; <paramref name="detail"/>
    /// is the offending size for the two size refusals.
    /// </summary>
    public static PutLogEventsRefusal CheckBatch(ReadOnlySpan<long> timestamps, ReadOnlySpan<int> messageBytes, out long detail)
    {
        long batchBytes = 0;
        var previous = long.MinValue;
        for (var i = 0; i < timestamps.Length; i++)
        {
            var size = messageBytes[i] + LogStore.EventOverheadBytes;
            if (size > MaxBatchBytes)
            {
                detail = size;
                return PutLogEventsRefusal.EventTooLarge;
            }

            batchBytes += size;
            if (timestamps[i] < previous)
            {
                detail = 0;
                return PutLogEventsRefusal.OutOfOrder;
            }

            previous = timestamps[i];
        }

        detail = batchBytes;
        return batchBytes > MaxBatchBytes ? PutLogEventsRefusal.UploadTooLarge : PutLogEventsRefusal.None;
    }

    /// <summary>Splits an in-order batch by age at <paramref name="now"/> (ms); refuses a stored span over 24 hours.</summary>
    public static PutLogEventsRefusal Split(ReadOnlySpan<long> timestamps, long now, int? retentionDays, out PutLogEventsSplit split)
    {
        var tooOldEnd = CountBefore(timestamps, now - MaxAgeMs);
        var expiredEnd = retentionDays is { } days ? CountBefore(timestamps, now - (days * 86_400_000L)) : 0;
        var tooNewStart = CountBefore(timestamps, now + MaxAheadMs + 1);
        split = new PutLogEventsSplit(timestamps.Length, tooOldEnd, expiredEnd, tooNewStart);
        var first = split.First;
        return tooNewStart - first > 1 && timestamps[tooNewStart - 1] - timestamps[first] > MaxSpanMs
            ? PutLogEventsRefusal.SpanTooLong
            : PutLogEventsRefusal.None;
    }

    public static AwsServiceException Error(PutLogEventsRefusal refusal, long detail) => refusal switch
    {
        PutLogEventsRefusal.EventTooLarge => LogsErrors.InvalidParameter($"Log event too large: {detail} bytes exceeds limit of {MaxBatchBytes}"),
        PutLogEventsRefusal.OutOfOrder => LogsErrors.InvalidParameter("Log events in a single PutLogEvents request must be in chronological order."),
        PutLogEventsRefusal.UploadTooLarge => LogsErrors.InvalidParameter($"Upload too large: {detail} bytes exceeds limit of {MaxBatchBytes}"),
        PutLogEventsRefusal.SpanTooLong => LogsErrors.InvalidParameter("The batch of log events in a single PutLogEvents request cannot span more than 24 hours."),
        _ => throw new ArgumentOutOfRangeException(nameof(refusal)),
    };

    /// <summary>The answer: a sequence token, and which events were rejected when any were.</summary>
    public static PutLogEventsResponse Response(in PutLogEventsSplit split, long ingestionTime)
    {
        var rejected = split.TooOldEnd > 0 || split.ExpiredEnd > 0 || split.TooNewStart < split.Count;
        return new PutLogEventsResponse
        {
            NextSequenceToken = SequenceToken(ingestionTime, split.Accepted),
            RejectedLogEventsInfo = rejected
                ? new RejectedLogEventsInfo
                {
                    TooOldLogEventEndIndex = split.TooOldEnd > 0 ? split.TooOldEnd : null,
                    ExpiredLogEventEndIndex = split.ExpiredEnd > 0 ? split.ExpiredEnd : null,
                    TooNewLogEventStartIndex = split.TooNewStart < split.Count ? split.TooNewStart : null,
                }
                : null,
        };
    }

    /// <summary>How many leading events (in chronological order) have a timestamp before <paramref name="cutoff"/>.</summary>
    private static int CountBefore(ReadOnlySpan<long> timestamps, long cutoff)
    {
        var n = 0;
        while (n < timestamps.Length && timestamps[n] < cutoff)
        {
            n++;
        }

        return n;
    }

    /// <summary>A 56-digit token in CloudWatch Logs' shape; clients may keep sending it, and it is ignored.</summary>
    private static string SequenceToken(long ingestionTime, int stored) =>
        string.Create(CultureInfo.InvariantCulture, $"{ingestionTime:D28}{stored:D28}");
}
