using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Vigil.Storage.Hashing;

/// <summary>The hash that <see cref="ByteKeyIndex{TValue}"/> takes, computed once per key by callers that probe in batches.</summary>
public static class ByteKeyIndex
{
    /// <summary>
    /// The hash <see cref="ByteKeyIndex{TValue}"/>'s probes and prefetches take. Its top bit is set, so it is never 0
    /// (a free slot); the slot comes from the low bits.
    /// </summary>
    public static ulong HashOf(ReadOnlySpan<byte> key) => KeyHash.Hash64(key) | (1UL << 63);
}

/// <summary>
/// A hash index from byte keys to objects for hot ingest paths: open addressing with linear probing over one array of
/// slots (64-bit hash, key position, value), keys packed in one byte arena. A probe touches one slot line and one key
/// line instead of a bucket, a node and a key array, and callers that know many keys at once (a PutMetricData call's
/// 1,000 datums) prefetch the slots ahead of the probes, so the cache misses overlap instead of following each other.
/// Lock-free reads; adds take a lock. A slot is published by writing its hash last; growth builds a new table and
/// publishes it whole, so a reader always sees one consistent table.
/// </summary>
public sealed class ByteKeyIndex<TValue>
    where TValue : class
{
    private readonly Lock _lock = new();
    private Table _table = new(16, 1024);

    public int Count => Volatile.Read(ref _table).Count;

    public bool TryGet(ReadOnlySpan<byte> key, out TValue value) => TryGet(key, ByteKeyIndex.HashOf(key), out value);

    /// <summary>The value stored under <paramref name="key"/>, whose <see cref="ByteKeyIndex.HashOf"/> is <paramref name="hash"/>.</summary>
    public bool TryGet(ReadOnlySpan<byte> key, ulong hash, out TValue value)
    {
        var table = Volatile.Read(ref _table);
        var slots = table.Slots;
        var mask = slots.Length - 1;
        for (var i = (int)hash & mask; ; i = (i + 1) & mask)
        {
            ref var slot = ref slots[i];
            var h = Volatile.Read(ref slot.Hash);
            if (h == 0)
            {
                value = null!;
                return false;
            }
            if (h == hash && table.Keys.AsSpan(slot.KeyStart, slot.KeyLength).SequenceEqual(key))
            {
                value = slot.Value!;
                return true;
            }
        }
    }

    /// <summary>
    /// Asks the CPU to start loading the slot a key with this hash lands in (a hint: no effect where prefetching is
    /// not available). Issued some keys ahead of their probes.
    /// </summary>
    public unsafe void Prefetch(ulong hash)
    {
        if (Sse.IsSupported)
        {
            var slots = Volatile.Read(ref _table).Slots;
            // The address is only a hint: a stale one after the GC moved the array costs nothing but the miss.
            Sse.Prefetch0(Unsafe.AsPointer(ref slots[(int)hash & (slots.Length - 1)]));
        }
    }

    /// <summary>
    /// The second stage: once the slot is loaded, starts loading the key it points at. Issued between
    /// <see cref="Prefetch"/> and the probe.
    /// </summary>
    public unsafe void PrefetchKey(ulong hash)
    {
        if (Sse.IsSupported)
        {
            var table = Volatile.Read(ref _table);
            ref var slot = ref table.Slots[(int)hash & (table.Slots.Length - 1)];
            if (Volatile.Read(ref slot.Hash) == hash)
            {
                Sse.Prefetch0(Unsafe.AsPointer(ref table.Keys[slot.KeyStart]));
            }
        }
    }

    /// <summary>The value already stored under <paramref name="key"/>, else <paramref name="value"/>, now stored.</summary>
    public TValue GetOrAdd(ReadOnlySpan<byte> key, TValue value)
    {
        var hash = ByteKeyIndex.HashOf(key);
        lock (_lock)
        {
            if (TryGet(key, hash, out var existing))
            {
                return existing;
            }
            var table = _table;
            if ((table.Count + 1) * 2 > table.Slots.Length || table.KeysLength + key.Length > table.Keys.Length)
            {
                table = Grow(table, key.Length);
                Volatile.Write(ref _table, table);
            }
            var keyStart = table.KeysLength;
            key.CopyTo(table.Keys.AsSpan(keyStart));
            table.KeysLength += key.Length;
            Insert(table.Slots, hash, keyStart, key.Length, value);
            table.Count++;
            return value;
        }
    }

    private static void Insert(Slot[] slots, ulong hash, int keyStart, int keyLength, TValue value)
    {
        var mask = slots.Length - 1;
        var i = (int)hash & mask;
        while (slots[i].Hash != 0)
        {
            i = (i + 1) & mask;
        }
        ref var slot = ref slots[i];
        slot.KeyStart = keyStart;
        slot.KeyLength = keyLength;
        slot.Value = value;
        // Last: readers take a slot whose hash they see as complete.
        Volatile.Write(ref slot.Hash, hash);
    }

    private static Table Grow(Table old, int keyLength)
    {
        var slotCount = old.Slots.Length;
        while ((old.Count + 1) * 2 > slotCount)
        {
            slotCount *= 2;
        }
        var keyBytes = old.Keys.Length;
        while (old.KeysLength + keyLength > keyBytes)
        {
            keyBytes *= 2;
        }
        var table = new Table(slotCount, keyBytes) { Count = old.Count, KeysLength = old.KeysLength };
        old.Keys.AsSpan(0, old.KeysLength).CopyTo(table.Keys);
        foreach (var slot in old.Slots)
        {
            if (slot.Hash != 0)
            {
                Insert(table.Slots, slot.Hash, slot.KeyStart, slot.KeyLength, slot.Value!);
            }
        }
        return table;
    }

    private struct Slot
    {
        public ulong Hash;
        public int KeyStart, KeyLength;
        public TValue? Value;
    }

    private sealed class Table(int slots, int keyBytes)
    {
        public readonly Slot[] Slots = new Slot[slots];
        public readonly byte[] Keys = new byte[keyBytes];
        public int KeysLength, Count;
    }
}
