namespace Vigil.Logs.Engine;

/// <summary>
/// What queries derived from one cached chunk's events (Logs Insights keeps the fields it parsed out of them), kept
/// with the chunk so a later query over it need not derive them again, and counted against the chunk cache: it
/// leaves with the chunk. Items are immutable once added and keyed by the caller. Thread-safe.
/// </summary>
public sealed class LogSourceMemo
{
    private readonly ChunkCache _cache;
    private readonly (string File, int Chunk) _key;
    private readonly Lock _lock = new();
    private Dictionary<string, object>? _items;

    internal LogSourceMemo(ChunkCache cache, (string File, int Chunk) key, int count) => (_cache, _key, Count) = (cache, key, count);

    /// <summary>Events in the chunk; the index a sink gets with each event is below this.</summary>
    public int Count { get; }

    public object? Get(string key)
    {
        lock (_lock)
        {
            return _items?.GetValueOrDefault(key);
        }
    }

    /// <summary>Keeps <paramref name="value"/> under <paramref name="key"/> unless one is there already or the cache
    /// cannot spare <paramref name="bytes"/> (its estimated size) for it.</summary>
    public bool TryAdd(string key, object value, long bytes)
    {
        lock (_lock)
        {
            if (_items?.ContainsKey(key) == true)
            {
                return false;
            }
        }

        if (!_cache.Charge(_key, bytes))
        {
            return false;
        }

        lock (_lock)
        {
            _items ??= new Dictionary<string, object>(StringComparer.Ordinal);
            return _items.TryAdd(key, value);
        }
    }

    /// <summary>Puts <paramref name="value"/> in place of <paramref name="expected"/> under <paramref name="key"/> when
    /// that is still what is kept there and the cache can spare <paramref name="extraBytes"/> more.</summary>
    public bool TryReplace(string key, object expected, object value, long extraBytes)
    {
        lock (_lock)
        {
            if (_items is null || !_items.TryGetValue(key, out var current) || !ReferenceEquals(current, expected))
            {
                return false;
            }
        }

        if (extraBytes > 0 && !_cache.Charge(_key, extraBytes))
        {
            return false;
        }

        lock (_lock)
        {
            if (!ReferenceEquals(_items![key], expected))
            {
                return false; // Another scan replaced it meanwhile (its charge stands: the count errs high).
            }

            _items[key] = value;
            return true;
        }
    }
}
