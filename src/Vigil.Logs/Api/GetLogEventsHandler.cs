using Vigil.Logs.Api.Paging;
using Vigil.Logs.Api.Validation;
using Vigil.Logs.Engine;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes.Logs;

namespace Vigil.Logs.Api;

/// <summary>
/// GetLogEvents: one stream's events in [startTime, endTime), oldest first within a page, at most 10,000 events and
/// 1 MB a page. Without a token the page is the oldest events (startFromHead) or the newest (the default); a token's
/// direction decides after that. nextForwardToken reads on after the page's last event, nextBackwardToken back
/// from its first; at either end the page is empty and the token passed in comes back unchanged, so a client that
/// stops when the token repeats stops there. Events hidden by the group's retention are never returned.
/// </summary>
internal sealed class GetLogEventsHandler(LogStore store)
{
    public ValueTask<GetLogEventsResponse> HandleAsync(CallContext context, GetLogEventsRequest input, CancellationToken ct)
    {
        var key = LogRules.Group(context, input.LogGroupName, input.LogGroupIdentifier);
        var streamName = input.LogStreamName!;
        _ = LogsErrors.Read(() => store.GetLogStream(key, streamName)) ?? throw LogsErrors.StreamNotFound();
        var binding = Fingerprint.Of(key.AccountId, key.Region, key.Name, streamName);
        StreamToken? token = input.NextToken is { } text ? StreamToken.Parse(text, binding) : null;
        var forward = token?.Forward ?? input.StartFromHead == true;
        var result = LogsErrors.Read(() => store.Scan(new LogScan
        {
            Group = key,
            StreamNames = [streamName],
            StartTime = input.StartTime ?? long.MinValue,
            EndTime = input.EndTime ?? long.MaxValue,
            Descending = !forward,
            After = token?.Position,
            Limit = input.Limit ?? 10_000,
        }));

        var events = result.Events;
        var output = new GetLogEventsResponse { Events = new List<OutputLogEvent>(events.Count) };
        for (var i = 0; i < events.Count; i++)
        {
            // Always oldest first: a backward (descending) read is turned around.
            var e = events[forward ? i : events.Count - 1 - i];
            output.Events.Add(new OutputLogEvent { Timestamp = e.Timestamp, Message = e.Message, IngestionTime = e.IngestionTime });
        }

        if (events.Count > 0)
        {
            var oldest = forward ? events[0] : events[^1];
            var newest = forward ? events[^1] : events[0];
            output.NextForwardToken = new StreamToken(Forward: true, newest.Position).Format(binding);
            output.NextBackwardToken = new StreamToken(Forward: false, oldest.Position).Format(binding);
        }
        else if (token is { } t)
        {
            // At the end: the same token again, and the other direction turned around at the same place
            // (a backward read from "after P" covers P itself, a forward read from "before P" too).
            var p = t.Position;
            output.NextForwardToken = t.Forward ? input.NextToken : new StreamToken(Forward: true, p with { Seq = Math.Max(0, p.Seq - 1) }).Format(binding);
            output.NextBackwardToken = t.Forward ? new StreamToken(Forward: false, p with { Seq = p.Seq == long.MaxValue ? p.Seq : p.Seq + 1 }).Format(binding) : input.NextToken;
        }
        else
        {
            // Nothing in the window: forward from before everything (future events), backward from after everything.
            output.NextForwardToken = new StreamToken(Forward: true, StreamToken.Start).Format(binding);
            output.NextBackwardToken = new StreamToken(Forward: false, StreamToken.End).Format(binding);
        }

        return ValueTask.FromResult(output);
    }
}
