namespace Vigil.Logs.Engine;

/// <summary>
/// Recently decoded chunks, least recently used out first, bounded by their decoded size: repeated and paginated
/// queries over the same recent data decompress it once. Thread-safe.
/// </summary>
internal sealed class ChunkCache(long maxBytes)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string File, int Chunk), LinkedListNode<(string File, int Chunk, Encoding.DecodedChunk Data)>> _entries = [];
    private readonly LinkedList<(string File, int Chunk, Encoding.DecodedChunk Data)> _order = new();
    private long _bytes;
    private long _hits;
    private long _misses;

    public long Capacity => maxBytes;

    /// <summary>Lookups answered from memory and lookups that decoded, since the store opened.</summary>
    public (long Hits, long Misses) Counters => (Interlocked.Read(ref _hits), Interlocked.Read(ref _misses));

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
            if (!_entries.ContainsKey(key))
            {
                _entries[key] = _order.AddFirst((key.FileName, key.Index, data));
                _bytes += data.ByteSize;
                while (_bytes > maxBytes && _order.Last is { } last)
                {
                    _order.RemoveLast();
                    _entries.Remove((last.Value.File, last.Value.Chunk));
                    _bytes -= last.Value.Data.ByteSize;
                }
            }
        }

        return data;
    }

    /// <summary>Forgets a deleted block's chunks.</summary>
    public void Evict(string fileName)
    {
        lock (_lock)
        {
            for (var node = _order.First; node is not null;)
            {
                var next = node.Next;
                if (node.Value.File == fileName)
                {
                    _order.Remove(node);
                    _entries.Remove((node.Value.File, node.Value.Chunk));
                    _bytes -= node.Value.Data.ByteSize;
                }

                node = next;
            }
        }
    }
}
