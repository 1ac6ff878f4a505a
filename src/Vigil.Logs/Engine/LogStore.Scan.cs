using Vigil.Logs.Engine.Catalog;
using Vigil.Logs.Engine.Encoding;

namespace Vigil.Logs.Engine;

/// <summary>
/// Reads. The group's sources — block chunks and heads, each with its time range — are visited in the scan's
/// direction; the best <c>Limit + 1</c> matches are kept in a bounded heap, and the visit stops as soon as the next
/// source cannot hold anything better than the heap's worst. Chunks whose time range misses the window, or whose
/// Bloom filter lacks a required substring, are never read.
/// </summary>
public sealed partial class LogStore
{
    public LogScanResult Scan(LogScan scan)
    {
        ArgumentNullException.ThrowIfNull(scan);
        var (streams, heads, blocks, start) = Snapshot(scan);
        var end = scan.EndTime;
        if (streams.Count == 0 || start >= end)
        {
            return new LogScanResult([], false, [.. streams.Values.Order(StringComparer.Ordinal)]);
        }

        var needles = scan.RequiredSubstrings.Where(s => s.Length > 0).Select(System.Text.Encoding.UTF8.GetBytes).ToArray();
        var sources = new List<(long Min, long Max, Func<IEventColumns> Load)>();
        foreach (var head in heads)
        {
            if (head.Count > 0 && head.MaxTimestamp >= start && head.MinTimestamp < end)
            {
                sources.Add((head.MinTimestamp, head.MaxTimestamp, () => head));
            }
        }

        foreach (var block in blocks)
        {
            if (block.MaxTimestamp < start || block.MinTimestamp >= end)
            {
                continue;
            }

            foreach (var chunk in block.Chunks)
            {
                if (chunk.MaxTimestamp >= start && chunk.MinTimestamp < end && needles.All(n => chunk.Bloom.MayContain(n)))
                {
                    sources.Add((chunk.MinTimestamp, chunk.MaxTimestamp, () => _cache.Get(block, chunk)));
                }
            }
        }

        var descending = scan.Descending;
        sources.Sort((a, b) => descending ? b.Max.CompareTo(a.Max) : a.Min.CompareTo(b.Min));
        var keep = Math.Max(1, scan.Limit) + 1;
        // The heap's top is its worst candidate: the latest one ascending, the earliest one descending.
        var heap = new PriorityQueue<LogEventRecord, EventPosition>(keep + 1, descending ? Comparer<EventPosition>.Default : Comparer<EventPosition>.Create((a, b) => b.CompareTo(a)));
        foreach (var (min, max, load) in sources)
        {
            if (heap.Count >= keep)
            {
                var worst = heap.Peek().Timestamp;
                if (descending ? worst > max : worst < min)
                {
                    break;
                }
            }

            Collect(load(), scan, streams, needles, start, end, heap, keep);
        }

        var ordered = new List<LogEventRecord>(heap.Count);
        while (heap.Count > 0)
        {
            ordered.Add(heap.Dequeue());
        }

        ordered.Reverse();
        var page = new List<LogEventRecord>(Math.Min(ordered.Count, scan.Limit));
        long bytes = 0;
        foreach (var e in ordered)
        {
            var size = System.Text.Encoding.UTF8.GetByteCount(e.Message) + EventOverheadBytes;
            if (page.Count == scan.Limit || (page.Count > 0 && bytes + size > scan.MaxBytes))
            {
                break;
            }

            page.Add(e);
            bytes += size;
        }

        return new LogScanResult(page, ordered.Count > page.Count, [.. streams.Values.Order(StringComparer.Ordinal)]);
    }

    private static void Collect(IEventColumns events, LogScan scan, Dictionary<int, string> streams, byte[][] needles, long start, long end, PriorityQueue<LogEventRecord, EventPosition> heap, int keep)
    {
        if (needles.Length > 0 && events is DecodedChunk chunk)
        {
            // One vectorised search over the chunk's whole message buffer instead of one per event: only the events
            // holding the longest needle are looked at.
            var longest = needles.MaxBy(n => n.Length)!;
            foreach (var i in chunk.EventsContaining(longest))
            {
                Consider(events, i, scan, streams, needles, start, end, heap, keep);
            }

            return;
        }

        for (var i = 0; i < events.Count; i++)
        {
            Consider(events, i, scan, streams, needles, start, end, heap, keep);
        }
    }

    private static void Consider(IEventColumns events, int i, LogScan scan, Dictionary<int, string> streams, byte[][] needles, long start, long end, PriorityQueue<LogEventRecord, EventPosition> heap, int keep)
    {
        var ts = events.Timestamp(i);
        if (ts < start || ts >= end)
        {
            return;
        }

        var descending = scan.Descending;
        var position = new EventPosition(ts, events.Seq(i));
        if (scan.After is { } a && (descending ? position >= a : position <= a))
        {
            return;
        }

        if (heap.Count >= keep && (descending ? position <= heap.Peek().Position : position >= heap.Peek().Position))
        {
            return;
        }

        if (!streams.TryGetValue(events.Stream(i), out var streamName))
        {
            return;
        }

        var bytes = events.Message(i);
        if (!ContainsAll(bytes, needles))
        {
            return;
        }

        var message = System.Text.Encoding.UTF8.GetString(bytes);
        if (scan.Match is { } match && !match(message))
        {
            return;
        }

        heap.Enqueue(new LogEventRecord(streamName, ts, events.IngestionTime(i), position.Seq, message), position);
        if (heap.Count > keep)
        {
            heap.Dequeue();
        }
    }

    private static bool ContainsAll(ReadOnlySpan<byte> message, byte[][] needles)
    {
        foreach (var needle in needles)
        {
            if (message.IndexOf(needle) < 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Under the lock: the selected live streams, the group's heads and blocks, and the retention cut-off.</summary>
    private (Dictionary<int, string> Streams, List<HeadView> Heads, List<LogBlock> Blocks, long Start) Snapshot(LogScan scan)
    {
        lock (_lock)
        {
            var group = RequireGroup(scan.Group);
            var streams = new Dictionary<int, string>();
            foreach (var s in group.Streams.Values)
            {
                if ((scan.StreamNames is null || scan.StreamNames.Contains(s.Name))
                    && (scan.StreamNamePrefix is null || s.Name.StartsWith(scan.StreamNamePrefix, StringComparison.Ordinal)))
                {
                    streams[s.Id] = s.Name;
                }
            }

            var heads = HeadViews(group.Id);

            return (streams, heads, [.. _blocks.Where(b => b.GroupId == group.Id)], RetainedFrom(group, scan.StartTime));
        }
    }

    /// <summary>Under the lock: views of the group's live head and of its heads being sealed.</summary>
    private List<HeadView> HeadViews(int groupId)
    {
        var heads = new List<HeadView>();
        if (_heads.TryGetValue(groupId, out var live))
        {
            heads.Add(live.View());
        }

        foreach (var sealing in _sealing)
        {
            if (sealing.TryGetValue(groupId, out var frozen))
            {
                heads.Add(frozen.View());
            }
        }

        return heads;
    }

    /// <summary>
    /// The first timestamp a read of <paramref name="group"/> may return: expired events vanish from reads at once;
    /// their blocks are deleted by the retention pass.
    /// </summary>
    private long RetainedFrom(Catalog.LogGroupState group, long start) =>
        group.RetentionInDays is { } days ? Math.Max(start, Now() - (days * 86_400_000L)) : start;
}
