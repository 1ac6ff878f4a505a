using Vigil.Logs.Engine.Catalog;
using Vigil.Logs.Engine.Encoding;

namespace Vigil.Logs.Engine;

/// <summary>
/// A consumer of a query scan's events (Logs Insights feeds an accumulator). The scan makes one sink per worker and
/// calls each from one thread at a time, so a sink needs no locking; the caller merges them afterwards.
/// </summary>
public interface ILogQuerySink
{
    /// <summary>One event. <paramref name="group"/> indexes <see cref="LogQueryScan.Groups"/>; <paramref name="index"/>
    /// is the event's place in its source (for the source's <see cref="LogSourceMemo"/>); <paramref name="message"/>
    /// is the engine's buffer, valid only during the call: copy what you keep.</summary>
    void Add(int group, string stream, long timestamp, long ingestionTime, long seq, int index, ReadOnlyMemory<byte> message);

    /// <summary>Called by the sink's worker before each source's events: <paramref name="memo"/> is where derived data
    /// about a cached chunk's events lives (null for a head slice or an uncached chunk).</summary>
    void BeginSource(LogSourceMemo? memo)
    {
    }

    /// <summary>Offered, after <see cref="BeginSource"/>, a whole cached chunk whose events all lie in the scan's
    /// window and belong to live streams (<paramref name="minTimestamp"/>..<paramref name="maxTimestamp"/>, with
    /// <paramref name="messageBytes"/> of messages): true when the sink took them all from the memo, false to be fed
    /// them one by one.</summary>
    bool TryAddAll(LogSourceMemo memo, long minTimestamp, long maxTimestamp, long messageBytes) => false;

    /// <summary>Events with an earlier timestamp can no longer change this sink's result (<see cref="long.MinValue"/>:
    /// any event may). A newest-first scan skips such events and stops at sources wholly older than this.</summary>
    long StopBelow { get; }

    /// <summary>Called by the sink's worker after each source (a chunk or a head slice): a point where the sink's
    /// state is consistent, e.g. to publish partial results.</summary>
    void SourceDone()
    {
    }
}

/// <summary>What a query reads: every event of some log groups in a window (both ends inclusive, epoch ms).</summary>
public sealed record LogQueryScan
{
    public required IReadOnlyList<LogGroupKey> Groups { get; init; }

    public long StartTime { get; init; } = long.MinValue;

    public long EndTime { get; init; } = long.MaxValue;

    /// <summary>Substrings (ordinal) every event that can reach a result contains: chunks whose Bloom filter lacks
    /// one are not read, and events without one are not handed to the sinks.</summary>
    public IReadOnlyList<string> RequiredSubstrings { get; init; } = [];

    /// <summary>Visit sources newest first and honour the sinks' <see cref="ILogQuerySink.StopBelow"/>.</summary>
    public bool NewestFirst { get; init; }

    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>Called after each source (chunk or head slice) from the worker that read it, with running totals; must be thread-safe and quick.</summary>
    public Action<LogQueryProgress>? Progress { get; init; }
}

/// <summary>Running totals of a query scan: events read in the window (before substring pruning) and their message bytes.</summary>
public readonly record struct LogQueryProgress(long RecordsScanned, long BytesScanned);

/// <summary>The sinks (one per worker, to merge) and what the scan read and skipped. Skipped counts are the
/// events and bytes of chunks inside the window that the Bloom filters ruled out unread; whole sources are the
/// chunks sinks took at once (<see cref="ILogQuerySink.TryAddAll"/>).</summary>
public sealed record LogQueryScanResult<TSink>(
    IReadOnlyList<TSink> Sinks, int LogGroupsScanned, long RecordsScanned, long BytesScanned, long RecordsSkipped, long BytesSkipped, int WholeSources = 0);

/// <summary>
/// Query scans: all events of many groups into per-worker sinks. Sources (block chunks after time and Bloom pruning,
/// and head slices of 64 Ki events) go into one list that the workers take from in turn, so two cores share any mix of
/// groups; oldest first, or newest first (by the source's latest timestamp) when the query can stop early. Runs on
/// the caller's thread plus <c>Workers − 1</c> threads of their own; the store's lock is held only while taking the snapshot.
/// </summary>
public sealed partial class LogStore
{
    private const int HeadSliceEvents = 65_536;

    internal ChunkCache ChunkCache => _cache;

    internal string DataDirectory => _options.Directory;

    internal Storage.IO.SyncMode SyncMode => _options.Sync;

    public LogQueryScanResult<TSink> ScanForQuery<TSink>(LogQueryScan scan, Func<TSink> createSink, CancellationToken cancellationToken = default)
        where TSink : class, ILogQuerySink
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(createSink);
        var needles = scan.RequiredSubstrings.Where(s => s.Length > 0).Select(System.Text.Encoding.UTF8.GetBytes).ToArray();
        var (units, groupsScanned, skippedRecords, skippedBytes) = PlanQuery(scan, needles);
        var workers = Math.Max(1, Math.Min(scan.Workers, units.Count));
        var sinks = new TSink[workers];
        for (var w = 0; w < workers; w++)
        {
            sinks[w] = createSink();
        }

        var state = new QueryScanState(units, needles, scan, CachedPrefix(units));

        // The caller's thread is worker 0; the others get threads of their own. Pool threads would queue behind a busy
        // server's requests (the caller itself holds one, blocked here), leaving a scan on one core for a while.
        var helpers = new Task[workers - 1];
        for (var w = 1; w < workers; w++)
        {
            var sink = sinks[w];
            helpers[w - 1] = Task.Factory.StartNew(() => RunWorkerOrStopAll(state, sink, cancellationToken), CancellationToken.None,
                TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        var failures = new List<Exception>();
        try
        {
            RunWorkerOrStopAll(state, sinks[0], cancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            failures.Add(e); // thrown below, with the others', once every worker has stopped
        }

        try
        {
            Task.WaitAll(helpers, CancellationToken.None); // the workers watch the token themselves; wait for them to stop
        }
        catch (AggregateException e)
        {
            failures.AddRange(e.InnerExceptions);
        }

        // As Parallel.For did: a cancelled scan throws OperationCanceledException, a failed one AggregateException.
        cancellationToken.ThrowIfCancellationRequested();
        if (failures.Count > 0)
        {
            throw new AggregateException(failures);
        }

        return new LogQueryScanResult<TSink>(sinks, groupsScanned, state.Records, state.Bytes, skippedRecords, skippedBytes, state.WholeSources);
    }

    /// <summary>A worker that, failing, makes the others stop after their current source.</summary>
    private void RunWorkerOrStopAll<TSink>(QueryScanState state, TSink sink, CancellationToken cancellationToken)
        where TSink : class, ILogQuerySink
    {
        try
        {
            RunWorker(state, sink, cancellationToken);
        }
        catch
        {
            Volatile.Write(ref state.Next, state.Units.Count);
            throw;
        }
    }

    /// <summary>
    /// How many of the scan's first sources go through the shared chunk cache: as many as fit in it. A scan larger
    /// than the cache thus keeps its first part cached run after run instead of evicting what the next run needs
    /// first (plain LRU over a cyclic scan hits nothing); a newest-first scan keeps its newest chunks.
    /// </summary>
    private int CachedPrefix(List<QueryUnit> units)
    {
        long bytes = 0;
        for (var i = 0; i < units.Count; i++)
        {
            if (units[i].Chunk is { } chunk && (bytes += ChunkCache.SizeOf(chunk)) > _cache.Capacity)
            {
                return i;
            }
        }

        return units.Count;
    }

    private (List<QueryUnit> Units, int Groups, long SkippedRecords, long SkippedBytes) PlanQuery(LogQueryScan scan, byte[][] needles)
    {
        var units = new List<QueryUnit>();
        var groups = 0;
        long skippedRecords = 0, skippedBytes = 0;
        lock (_lock)
        {
            for (var g = 0; g < scan.Groups.Count; g++)
            {
                if (_catalog.Find(scan.Groups[g]) is not { } group)
                {
                    continue; // Deleted since the query was accepted: nothing to read.
                }

                groups++;
                var streams = new Dictionary<int, string>(group.StreamsById.Count);
                foreach (var s in group.StreamsById.Values)
                {
                    streams[s.Id] = s.Name;
                }

                var start = RetainedFrom(group, scan.StartTime);

                var end = scan.EndTime;
                if (start > end)
                {
                    continue;
                }

                var window = new QueryWindow(g, streams, start, end);
                foreach (var head in HeadViews(group.Id))
                {
                    if (head.Count > 0 && head.MaxTimestamp >= start && head.MinTimestamp <= end)
                    {
                        for (var from = 0; from < head.Count; from += HeadSliceEvents)
                        {
                            units.Add(new QueryUnit(window, head.MinTimestamp, head.MaxTimestamp, head, from, Math.Min(head.Count, from + HeadSliceEvents), null, null));
                        }
                    }
                }

                foreach (var block in _blocks)
                {
                    if (block.GroupId != group.Id || block.MaxTimestamp < start || block.MinTimestamp > end)
                    {
                        continue;
                    }

                    foreach (var chunk in block.Chunks)
                    {
                        if (chunk.MaxTimestamp < start || chunk.MinTimestamp > end)
                        {
                            continue;
                        }

                        if (!needles.All(n => chunk.Bloom.MayContain(n)))
                        {
                            if (chunk.MinTimestamp >= start && chunk.MaxTimestamp <= end)
                            {
                                skippedRecords += chunk.Count;
                                skippedBytes += chunk.MessageBytes;
                            }

                            continue;
                        }

                        units.Add(new QueryUnit(window, chunk.MinTimestamp, chunk.MaxTimestamp, null, 0, chunk.Count, block, chunk));
                    }
                }
            }
        }

        if (scan.NewestFirst)
        {
            units.Sort((a, b) => b.Max.CompareTo(a.Max));
        }
        else
        {
            units.Sort((a, b) => a.Min.CompareTo(b.Min));
        }

        return (units, groups, skippedRecords, skippedBytes);
    }

    private void RunWorker<TSink>(QueryScanState state, TSink sink, CancellationToken cancellationToken)
        where TSink : class, ILogQuerySink
    {
        ChunkBuffers? buffers = null; // for chunks past the cached prefix; sinks copy what they keep, so one set serves every chunk
        while (!cancellationToken.IsCancellationRequested)
        {
            var index = Interlocked.Increment(ref state.Next) - 1;
            if (index >= state.Units.Count)
            {
                return;
            }

            var unit = state.Units[index];
            if (state.NewestFirst && unit.Max < Volatile.Read(ref state.StopBelow))
            {
                return; // Sources come newest first, so every later one is older still.
            }

            IEventColumns events = unit.Head is { } head ? head
                : index < state.CachedPrefix ? _cache.Get(unit.Block!, unit.Chunk!) : unit.Block!.ReadChunk(unit.Chunk!, buffers ??= new ChunkBuffers());
            sink.BeginSource((events as DecodedChunk)?.Memo);
            long records, bytes;
            if (events is DecodedChunk { Memo: { } memo } whole && TakesWhole(unit, state, whole)
                && sink.TryAddAll(memo, unit.Chunk!.MinTimestamp, unit.Chunk.MaxTimestamp, unit.Chunk.MessageBytes))
            {
                (records, bytes) = (whole.Count, unit.Chunk.MessageBytes);
                Interlocked.Increment(ref state.WholeSources);
            }
            else
            {
                // A decoded chunk through a struct: the JIT then specialises Feed for it and inlines its column reads.
                (records, bytes) = events is DecodedChunk chunk
                    ? Feed(new ChunkEvents(chunk), unit, state, sink, cancellationToken)
                    : Feed(events, unit, state, sink, cancellationToken);
            }
            sink.SourceDone();
            var totalRecords = Interlocked.Add(ref state.Records, records);
            var totalBytes = Interlocked.Add(ref state.Bytes, bytes);
            if (state.NewestFirst)
            {
                RaiseStopBelow(ref state.StopBelow, sink.StopBelow);
            }

            state.Scan.Progress?.Invoke(new LogQueryProgress(totalRecords, totalBytes));
        }
    }

    private static (long Records, long Bytes) Feed<TEvents, TSink>(TEvents events, in QueryUnit unit, QueryScanState state, TSink sink, CancellationToken cancellationToken)
        where TEvents : IEventColumns
        where TSink : class, ILogQuerySink
    {
        var window = unit.Window;
        var needles = state.Needles;
        long records = 0, bytes = 0;
        var floor = long.MinValue;
        var lastStreamId = -1;
        string? lastStream = null;
        for (var i = unit.From; i < unit.To; i++)
        {
            if ((i & 4095) == 0)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                floor = state.NewestFirst ? Math.Max(sink.StopBelow, Volatile.Read(ref state.StopBelow)) : long.MinValue;
            }

            var ts = events.Timestamp(i);
            if (ts < window.Start || ts > window.End)
            {
                continue;
            }

            // A chunk keeps each stream's events together: look the name up only when the stream changes.
            var streamId = events.Stream(i);
            if (streamId != lastStreamId)
            {
                lastStreamId = streamId;
                lastStream = window.Streams.GetValueOrDefault(streamId);
            }

            if (lastStream is not { } stream)
            {
                continue;
            }

            var message = events.MessageMemory(i);
            records++;
            bytes += message.Length;
            if (ts < floor || !ContainsAll(message.Span, needles))
            {
                continue;
            }

            sink.Add(window.Group, stream, ts, events.IngestionTime(i), events.Seq(i), i, message);
        }

        return (records, bytes);
    }

    /// <summary>Whether a chunk may go to a sink whole: every event in the window and of a live stream, nothing to
    /// search for, no early stop.</summary>
    private static bool TakesWhole(in QueryUnit unit, QueryScanState state, DecodedChunk chunk)
    {
        if (state.NewestFirst || state.Needles.Length > 0 || unit.Chunk!.MinTimestamp < unit.Window.Start || unit.Chunk.MaxTimestamp > unit.Window.End)
        {
            return false;
        }

        var last = -1;
        for (var i = 0; i < chunk.Count; i++)
        {
            var stream = chunk.Stream(i);
            if (stream != last && !unit.Window.Streams.ContainsKey(last = stream))
            {
                return false;
            }
        }

        return true;
    }

    private static void RaiseStopBelow(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private readonly struct ChunkEvents(DecodedChunk chunk) : IEventColumns
    {
        public int Count => chunk.Count;

        public long Timestamp(int i) => chunk.Timestamp(i);

        public long Seq(int i) => chunk.Seq(i);

        public long IngestionTime(int i) => chunk.IngestionTime(i);

        public int Stream(int i) => chunk.Stream(i);

        public ReadOnlySpan<byte> Message(int i) => chunk.Message(i);

        public ReadOnlyMemory<byte> MessageMemory(int i) => chunk.MessageMemory(i);
    }

    /// <summary>One group's part of a query: its index in the scan, its live streams, its window after retention.</summary>
    private sealed record QueryWindow(int Group, Dictionary<int, string> Streams, long Start, long End);

    /// <summary>A source to read: a head slice (<c>From..To</c> of a view) or a block chunk.</summary>
    private readonly record struct QueryUnit(QueryWindow Window, long Min, long Max, HeadView? Head, int From, int To, LogBlock? Block, ChunkInfo? Chunk);

    /// <summary>Shared by a scan's workers: the next source to take, totals, and the newest-first cut-off.</summary>
    private sealed class QueryScanState(List<QueryUnit> units, byte[][] needles, LogQueryScan scan, int cachedPrefix)
    {
        public List<QueryUnit> Units { get; } = units;
        public byte[][] Needles { get; } = needles;
        public LogQueryScan Scan { get; } = scan;
        public bool NewestFirst { get; } = scan.NewestFirst;
        public int CachedPrefix { get; } = cachedPrefix;

#pragma warning disable SA1401, CA1051 // Interlocked needs fields.
        public int Next;
        public long Records;
        public long Bytes;
        public long StopBelow = long.MinValue;
        public int WholeSources;
#pragma warning restore SA1401, CA1051
    }
}
