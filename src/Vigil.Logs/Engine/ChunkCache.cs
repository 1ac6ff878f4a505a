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

    public Encoding.DecodedChunk Get(LogBlock block, ChunkInfo chunk)
    {
        var key = (block.FileName, chunk.Index);
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                return node.Value.Data;
            }
        }

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
