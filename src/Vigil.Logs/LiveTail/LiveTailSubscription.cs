using Vigil.Logs.Model;
using Vigil.Protocol.Shapes.Logs;

namespace Vigil.Logs.LiveTail;

/// <summary>
/// One session's interest (account, region, log groups, optional stream names or prefixes, filter) and the events
/// that matched since the last update. At most <see cref="LiveTailOptions.MaxEventsPerUpdate"/> are kept, as a
/// uniform reservoir sample of everything that matched, so a flood costs bounded memory and the update that
/// drains it says <c>sampled</c>. <see cref="Offer"/> runs on the writer's thread, <see cref="Drain"/> on the
/// session's ticker; both take the subscription's own lock for O(batch) and O(1) respectively.
/// </summary>
internal sealed class LiveTailSubscription
{
    private readonly string _accountId;
    private readonly string _region;
    private readonly HashSet<string> _logGroups;
    private readonly HashSet<string>? _streamNames;
    private readonly string[]? _streamPrefixes;
    private readonly Func<string, bool> _filter;
    private readonly int _capacity;
    private readonly Lock _gate = new();
    private readonly Random _random = new();
    private List<Matched> _pending = [];
    private long _matched;
    private long _sequence;

    public LiveTailSubscription(string accountId, string region, IEnumerable<string> logGroupNames, IReadOnlyCollection<string>? streamNames,
        IReadOnlyCollection<string>? streamPrefixes, Func<string, bool> filter, int capacity)
    {
        _accountId = accountId;
        _region = region;
        _logGroups = new HashSet<string>(logGroupNames, StringComparer.Ordinal);
        _streamNames = streamNames is { Count: > 0 } ? new HashSet<string>(streamNames, StringComparer.Ordinal) : null;
        _streamPrefixes = streamPrefixes is { Count: > 0 } ? [.. streamPrefixes] : null;
        _filter = filter;
        _capacity = capacity;
    }

    public void Offer(string accountId, string region, string logGroupName, string logStreamName, IReadOnlyList<IngestedLogEvent> events)
    {
        if (!string.Equals(accountId, _accountId, StringComparison.Ordinal) || !string.Equals(region, _region, StringComparison.Ordinal)
            || !_logGroups.Contains(logGroupName) || !StreamSelected(logStreamName))
        {
            return;
        }
        lock (_gate)
        {
            foreach (var e in events)
            {
                if (!_filter(e.Message))
                {
                    continue;
                }
                var item = new Matched(_sequence++, logGroupName, logStreamName, e);
                _matched++;
                if (_pending.Count < _capacity)
                {
                    _pending.Add(item);
                }
                else
                {
                    // Reservoir sampling (Algorithm R): every matched event is kept with the same probability.
                    var slot = _random.NextInt64(_matched);
                    if (slot < _capacity)
                    {
                        _pending[(int)slot] = item;
                    }
                }
            }
        }
    }

    /// <summary>Everything matched since the last call, oldest first, as one update.</summary>
    public LiveTailSessionUpdate Drain()
    {
        List<Matched> taken;
        long matched;
        lock (_gate)
        {
            taken = _pending;
            matched = _matched;
            _pending = [];
            _matched = 0;
        }
        // Sampling replaces slots at random; restore arrival order.
        taken.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
        var results = new List<LiveTailSessionLogEvent>(taken.Count);
        foreach (var m in taken)
        {
            results.Add(new LiveTailSessionLogEvent
            {
                LogStreamName = m.LogStreamName,
                // AWS fills this as "account:name" whatever form the request used.
                LogGroupIdentifier = _accountId + ":" + m.LogGroupName,
                Message = m.Event.Message,
                Timestamp = m.Event.Timestamp,
                IngestionTime = m.Event.IngestionTime,
            });
        }
        return new LiveTailSessionUpdate
        {
            SessionMetadata = new LiveTailSessionMetadata { Sampled = matched > taken.Count },
            SessionResults = results,
        };
    }

    private bool StreamSelected(string logStreamName)
    {
        if (_streamNames is not null)
        {
            return _streamNames.Contains(logStreamName);
        }
        if (_streamPrefixes is not null)
        {
            foreach (var p in _streamPrefixes)
            {
                if (logStreamName.StartsWith(p, StringComparison.Ordinal))
                {
                    return true;
                }
            }
            return false;
        }
        return true;
    }

    private readonly record struct Matched(long Sequence, string LogGroupName, string LogStreamName, IngestedLogEvent Event);
}
