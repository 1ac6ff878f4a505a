namespace Vigil.Audit.Engine;

/// <summary>
/// Merges a read's sources (blocks, their chunks, head snapshots) into one stream in position order, loading a
/// source only once the merge reaches its time range: a newest-first read that stops after 50 events decodes the
/// newest chunk or two, not the window. Sources may overlap in time (an event is appended when its call ends, so a
/// slow call lands after faster, later ones); the merge opens every source that could hold the next event before it
/// emits it, so the order is exact. One instance per read, on the reader's thread.
/// </summary>
internal static class AuditMerge
{
    private static readonly Comparer<long> Descending = Comparer<long>.Create(static (a, b) => b.CompareTo(a));
    private static readonly Comparer<AuditPosition> NewestFirst = Comparer<AuditPosition>.Create(static (a, b) => b.CompareTo(a));

    /// <summary>The events of <paramref name="sources"/> with lower ≤ position ≤ upper, in <paramref name="order"/>.</summary>
    public static IEnumerable<AuditRecord> Read(List<ReadSource> sources, AuditPosition lower, AuditPosition upper, AuditOrder order)
    {
        var newest = order == AuditOrder.NewestFirst;

        // Pending sources by the time they start to matter: the newest event they may hold, or the oldest.
        var pending = new PriorityQueue<ReadSource, long>(newest ? Descending : Comparer<long>.Default);
        var open = new PriorityQueue<Cursor, AuditPosition>(newest ? NewestFirst : Comparer<AuditPosition>.Default);
        foreach (var source in sources)
        {
            Enqueue(pending, source, lower, upper, newest);
        }

        while (true)
        {
            while (pending.TryPeek(out var source, out var frontier)
                && (!open.TryPeek(out _, out var next) || (newest ? frontier >= next.EventTimeMillis : frontier <= next.EventTimeMillis)))
            {
                pending.Dequeue();
                if (source is BlockSource block)
                {
                    foreach (var chunk in block.Chunks())
                    {
                        Enqueue(pending, chunk, lower, upper, newest);
                    }
                }
                else if (Cursor.Create(source.Load(lower, upper), lower, upper, newest) is { } cursor)
                {
                    open.Enqueue(cursor, cursor.Current.Position);
                }
            }

            if (!open.TryDequeue(out var top, out _))
            {
                yield break;
            }

            yield return top.Current;
            if (top.MoveNext())
            {
                open.Enqueue(top, top.Current.Position);
            }
        }
    }

    private static void Enqueue(PriorityQueue<ReadSource, long> pending, ReadSource source, AuditPosition lower, AuditPosition upper, bool newest)
    {
        if (source.MaxTime >= lower.EventTimeMillis && source.MinTime <= upper.EventTimeMillis)
        {
            pending.Enqueue(source, newest ? source.MaxTime : source.MinTime);
        }
    }

    /// <summary>Walks one loaded source's records (sorted by position) within the bounds, in either direction.</summary>
    private sealed class Cursor
    {
        private readonly AuditRecord[] _records;
        private readonly int _stop;
        private readonly int _step;
        private int _index;

        private Cursor(AuditRecord[] records, int index, int stop, int step)
        {
            _records = records;
            _index = index;
            _stop = stop;
            _step = step;
        }

        public AuditRecord Current => _records[_index];

        public static Cursor? Create(AuditRecord[] records, AuditPosition lower, AuditPosition upper, bool newest)
        {
            var lo = FirstAbove(records, lower, inclusive: true);
            var hi = FirstAbove(records, upper, inclusive: false);
            if (lo >= hi)
            {
                return null;
            }

            return newest ? new Cursor(records, hi - 1, lo - 1, -1) : new Cursor(records, lo, hi, 1);
        }

        public bool MoveNext()
        {
            _index += _step;
            return _index != _stop;
        }

        /// <summary>Index of the first record at or above (<paramref name="inclusive"/>) or strictly above <paramref name="bound"/>.</summary>
        private static int FirstAbove(AuditRecord[] records, AuditPosition bound, bool inclusive)
        {
            int lo = 0, hi = records.Length;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                var c = records[mid].Position.CompareTo(bound);
                if (c > 0 || (inclusive && c == 0))
                {
                    hi = mid;
                }
                else
                {
                    lo = mid + 1;
                }
            }

            return lo;
        }
    }
}

/// <summary>Something a read takes events from, with the time range it covers.</summary>
internal abstract class ReadSource(long minTime, long maxTime)
{
    public long MinTime { get; } = minTime;
    public long MaxTime { get; } = maxTime;

    /// <summary>The source's records, sorted by position: all of them, or at least those within the bounds.</summary>
    public abstract AuditRecord[] Load(AuditPosition lower, AuditPosition upper);
}

/// <summary>A sealed block, known by its manifest entry; expanded into its chunks when the merge reaches it.</summary>
internal sealed class BlockSource(AuditBlock block) : ReadSource(block.Info.MinTime, block.Info.MaxTime)
{
    public IEnumerable<ReadSource> Chunks()
    {
        IReadOnlyList<AuditChunkInfo> chunks;
        try
        {
            chunks = block.Chunks;
        }
        catch (FileNotFoundException)
        {
            // Retention removed the block after the read took its snapshot: all of it is past retention anyway.
            return [];
        }

        return chunks.Select(c => (ReadSource)new ChunkSource(block, c));
    }

    public override AuditRecord[] Load(AuditPosition lower, AuditPosition upper) => throw new InvalidOperationException("A block is read through its chunks.");
}

internal sealed class ChunkSource(AuditBlock block, AuditChunkInfo chunk) : ReadSource(chunk.MinTime, chunk.MaxTime)
{
    public override AuditRecord[] Load(AuditPosition lower, AuditPosition upper)
    {
        try
        {
            return block.ReadChunk(chunk);
        }
        catch (FileNotFoundException)
        {
            return []; // retention removed the block mid-read: its events are past retention
        }
    }
}

/// <summary>The unsealed events of one head, sorted when the merge reaches them (they come in nearly sorted).</summary>
internal sealed class HeadSource(HeadSnapshot head) : ReadSource(head.MinTime, head.MaxTime)
{
    public override AuditRecord[] Load(AuditPosition lower, AuditPosition upper)
    {
        var records = new List<AuditRecord>();
        foreach (var r in head.Span)
        {
            if (r.Position >= lower && r.Position <= upper)
            {
                records.Add(r);
            }
        }

        var sorted = records.ToArray();
        Array.Sort(sorted, static (a, b) => a.Position.CompareTo(b.Position));
        return sorted;
    }
}
