using Vigil.Logs.Model;

namespace Vigil.Logs.LiveTail;

/// <summary>
/// Who is tailing what. The log engine calls <see cref="Publish"/> after every durable append; each live session
/// holds one subscription. Thread-safe: any number of writers publish while sessions come and go.
/// Publishing with nobody subscribed costs one volatile read; with subscribers, each takes a short lock of its own
/// to sample the batch into a bounded buffer, so a slow or stalled client never holds up the writer.
/// </summary>
public sealed class LiveTailHub
{
    private readonly Lock _gate = new();
    // Copy-on-write: sessions start and stop rarely, appends are constant.
    private volatile LiveTailSubscription[] _subscriptions = [];

    /// <summary>Live sessions right now (tests and diagnostics).</summary>
    public int SubscriberCount => _subscriptions.Length;

    /// <summary>Offers durably appended events of one log stream to every session that tails its group.</summary>
    public void Publish(string accountId, string region, string logGroupName, string logStreamName, IReadOnlyList<IngestedLogEvent> events)
    {
        var subscriptions = _subscriptions;
        if (subscriptions.Length == 0 || events.Count == 0)
        {
            return;
        }
        foreach (var s in subscriptions)
        {
            s.Offer(accountId, region, logGroupName, logStreamName, events);
        }
    }

    internal void Add(LiveTailSubscription subscription)
    {
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions, subscription];
        }
    }

    internal void Remove(LiveTailSubscription subscription)
    {
        lock (_gate)
        {
            var current = _subscriptions;
            var at = Array.IndexOf(current, subscription);
            if (at >= 0)
            {
                _subscriptions = [.. current[..at], .. current[(at + 1)..]];
            }
        }
    }
}
