namespace Vigil.Logs.Engine;

/// <summary>
/// Recently decoded chunks, least recently used out first, bounded by their decoded size plus what queries derived
/// from them and keep with them (<see cref="LogSourceMemo"/>): repeated and paginated queries over the same recent
/// data decompress (and parse) it once. Thread-safe.
/// </summary>
internal sealed class ChunkCache(long maxBytes)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string File, int Chunk), LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _order = new();
    private long _bytes;
    private long _hits;
    private long _misses;

    public long Capacity => maxBytes;

    /// <summary>Lookups answered from memory and lookups that decoded, since the store opened.</summary>
    public (long Hits, long Misses) Counters => (Interlocked.Read(ref _hits), Interlocked.Read(ref _misses));

    /// <summary>Bytes held now (decoded chunks and their memos).</summary>
    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    /// <summary>What a decoded chunk will take here, from its stored description (see <see cref="Encoding.DecodedChunk.ByteSize"/>).</summary>
    public static long SizeOf(ChunkInfo chunk) => chunk.MessageBytes + (chunk.Count * Encoding.DecodedChunk.BytesPerEvent);

    public Encoding.DecodedChunk Get(LogBlock block, ChunkInfo chunk)
    {
        var key = (block.FileName, chunk.Index);
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                _hits++;
                return node.Value.Data;
            }
        }

        Interlocked.Increment(ref _misses);
        var data = block.ReadChunk(chunk);
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var raced))
            {
                return raced.Value.Data; // Another scan decoded it meanwhile: share one copy (and its memo).
            }

            var entry = new Entry(key, data, data.ByteSize);
            data.Memo = new LogSourceMemo(this, key, data.Count);
            _entries[key] = _order.AddFirst(entry);
            _bytes += entry.Bytes;
            EvictOver(keep: null);
        }

        return data;
    }

    /// <summary>Counts <paramref name="bytes"/> more for a cached chunk's memo; false (nothing counted) when the chunk
    /// has left the cache or the cache cannot hold that much beside it.</summary>
    public bool Charge((string File, int Chunk) key, long bytes)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var node) || node.Value.Bytes + bytes > maxBytes)
            {
                return false;
            }

            node.Value.Bytes += bytes;
            _bytes += bytes;
            EvictOver(keep: node);
            return true;
        }
    }

    /// <summary>Forgets a deleted block's chunks.</summary>
    public void Evict(string fileName)
    {
        lock (_lock)
        {
            for (var node = _order.First; node is not null;)
            {
                var next = node.Next;
                if (node.Value.Key.File == fileName)
                {
                    Remove(node);
                }

                node = next;
            }
        }
    }

    private void EvictOver(LinkedListNode<Entry>? keep)
    {
        for (var node = _order.Last; _bytes > maxBytes && node is not null;)
        {
            var previous = node.Previous;
            if (node != keep)
            {
                Remove(node);
            }

            node = previous;
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _order.Remove(node);
        _entries.Remove(node.Value.Key);
        _bytes -= node.Value.Bytes;
    }

    private sealed class Entry((string File, int Chunk) key, Encoding.DecodedChunk data, long bytes)
    {
        public (string File, int Chunk) Key { get; } = key;
        public Encoding.DecodedChunk Data { get; } = data;
        public long Bytes { get; set; } = bytes;
    }
}
