using System.Collections.Concurrent;
using System.Text;
using Vigil.Logs.Api.Validation;
using Vigil.Logs.Engine;
using Vigil.Logs.Engine.Catalog;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes.Logs;

namespace Vigil.Logs.Api.FastPath;

/// <summary>
/// PutLogEvents straight from the JSON 1.1 body into a <see cref="LogEventBatch"/>: one pass with
/// <see cref="System.Text.Json.Utf8JsonReader"/>, no string or object per event (messages are slices of the body, or
/// unescaped into a scratch buffer — JSON log lines are full of <c>\"</c>), state reused across calls. It applies
/// <see cref="PutLogEventsRules"/>, the handler's own rules, to what it parsed and stores only when nothing is
/// refused; it declines everything else (an unknown member such as <c>entity</c>, a null, a wrong type, a model
/// constraint or a limit broken, a missing group or stream), which the gateway then runs through the generic decoder,
/// validator and <see cref="PutLogEventsHandler"/>: one set of error messages, and a fast path that never has to
/// reproduce them.
/// </summary>
internal sealed partial class PutLogEventsFastPath(LogStore store)
{
    /// <summary>The model's limit on logEvents.</summary>
    private const int MaxEvents = 10_000;

    private readonly ConcurrentQueue<State> _pool = new();

    public async ValueTask<RawCallResult> HandleAsync(CallContext context, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        if (!_pool.TryDequeue(out var state))
        {
            state = new State();
        }

        try
        {
            if (!TryPrepare(context, body.Span, state, out var call))
            {
                return RawCallResult.NotHandled;
            }

            var ingestionTime = call.Now;
            if (call.Split.Accepted > 0)
            {
                try
                {
                    // The store copies the batch into the WAL and the head before its task is returned.
                    ingestionTime = (await store.AppendAsync(call.Key, call.Stream, state.Batch, ct).ConfigureAwait(false)).IngestionTime;
                }
                catch (LogStoreException e)
                {
                    throw LogsErrors.From(e); // the group or stream went away since it was looked up, as in the handler
                }
            }

            return new RawCallResult(true, PutLogEventsRules.Response(call.Split, ingestionTime),
                new PutLogEventsRequest { LogGroupName = call.Key.Name, LogStreamName = call.Stream });
        }
        finally
        {
            _pool.Enqueue(state);
        }
    }

    private readonly record struct Call(LogGroupKey Key, string Stream, long Now, PutLogEventsSplit Split);

    /// <summary>Parse, check and fill the batch; false = decline, with nothing changed.</summary>
    private bool TryPrepare(CallContext context, ReadOnlySpan<byte> body, State s, out Call call)
    {
        call = default;
        s.Reset();
        if (!Parse(body, s))
        {
            return false;
        }

        var timestamps = s.Timestamps.AsSpan(0, s.Count);
        if (PutLogEventsRules.CheckBatch(timestamps, s.Sizes.AsSpan(0, s.Count), out _) != PutLogEventsRefusal.None)
        {
            return false;
        }

        // Names are ASCII (checked while parsing); two strings a call, none per event.
        var key = LogRules.Key(context, Encoding.ASCII.GetString(body.Slice(s.GroupStart, s.GroupLength)));
        var stream = Encoding.ASCII.GetString(body.Slice(s.StreamStart, s.StreamLength));
        if (!store.TryGetStreamRetention(key, stream, out var retentionDays))
        {
            return false;
        }

        var now = store.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (PutLogEventsRules.Split(timestamps, now, retentionDays, out var split) != PutLogEventsRefusal.None)
        {
            return false;
        }

        for (var i = split.First; i < split.TooNewStart; i++)
        {
            var start = s.Starts[i];
            var message = start >= 0 ? body.Slice(start, s.Sizes[i]) : s.Scratch.AsSpan(~start, s.Sizes[i]);
            s.Batch.Add(timestamps[i], message);
        }

        call = new Call(key, stream, now, split);
        return true;
    }

    /// <summary>One call's parse: events as (timestamp, where the message is, its UTF-8 length), reused across calls.</summary>
    private sealed class State
    {
        public readonly long[] Timestamps = new long[MaxEvents];
        public readonly int[] Sizes = new int[MaxEvents];

        /// <summary>Where each message starts: an offset in the body, or (negative, <c>~offset</c>) in <see cref="Scratch"/>.</summary>
        public readonly int[] Starts = new int[MaxEvents];

        public readonly LogEventBatch Batch = new(256 * 1024);
        public byte[] Scratch = new byte[16 * 1024];
        public int Count, ScratchLength;
        public int GroupStart, GroupLength, StreamStart, StreamLength;

        public void Reset()
        {
            Count = ScratchLength = 0;
            GroupStart = StreamStart = -1;
            Batch.Clear();
        }

        public void EnsureScratch(int more)
        {
            if (ScratchLength + more > Scratch.Length)
            {
                Array.Resize(ref Scratch, Math.Max(Scratch.Length * 2, ScratchLength + more));
            }
        }
    }
}
