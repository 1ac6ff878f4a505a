using System.Text;
using Vigil.Logs.Api.Validation;
using Vigil.Logs.Engine;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes.Logs;

namespace Vigil.Logs.Api;

/// <summary>
/// PutLogEvents with CloudWatch Logs' limits (<see cref="PutLogEventsRules"/>, shared with the JSON fast path): a
/// refused call stores nothing; otherwise too old, expired and too new events are reported and the middle is stored.
/// The reported end indices are exclusive and the start index inclusive, as documented. The sequence token is ignored.
/// </summary>
internal sealed class PutLogEventsHandler(LogStore store)
{
    public async ValueTask<PutLogEventsResponse> HandleAsync(CallContext context, PutLogEventsRequest input, CancellationToken ct)
    {
        var events = input.LogEvents!;
        var timestamps = new long[events.Count];
        var sizes = new int[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            timestamps[i] = events[i].Timestamp!.Value;
            sizes[i] = Encoding.UTF8.GetByteCount(events[i].Message!);
        }

        var refusal = PutLogEventsRules.CheckBatch(timestamps, sizes, out var detail);
        if (refusal != PutLogEventsRefusal.None)
        {
            throw PutLogEventsRules.Error(refusal, detail);
        }

        var key = LogRules.Key(context, input.LogGroupName!);
        var group = store.GetLogGroup(key) ?? throw LogsErrors.GroupNotFound();
        _ = LogsErrors.Read(() => store.GetLogStream(key, input.LogStreamName!)) ?? throw LogsErrors.StreamNotFound();

        var now = store.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        refusal = PutLogEventsRules.Split(timestamps, now, group.RetentionInDays, out var split);
        if (refusal != PutLogEventsRefusal.None)
        {
            throw PutLogEventsRules.Error(refusal, 0);
        }

        var ingestionTime = now;
        if (split.Accepted > 0)
        {
            // Sized as LogEventBatch.From sizes it: room for each message's widest UTF-8 form, so it never grows.
            var capacity = 64;
            for (var i = split.First; i < split.TooNewStart; i++)
            {
                capacity += 20 + (events[i].Message!.Length * 3);
            }

            var batch = new LogEventBatch(capacity);
            for (var i = split.First; i < split.TooNewStart; i++)
            {
                batch.Add(timestamps[i], events[i].Message!);
            }

            try
            {
                ingestionTime = (await store.AppendAsync(key, input.LogStreamName!, batch, ct).ConfigureAwait(false)).IngestionTime;
            }
            catch (LogStoreException e)
            {
                throw LogsErrors.From(e);
            }
        }

        return PutLogEventsRules.Response(split, ingestionTime);
    }
}
