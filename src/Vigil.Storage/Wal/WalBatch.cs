using System.Buffers;

namespace Vigil.Storage.Wal;

/// <summary>One encoded append waiting in the queue: its records (headers included) in a pooled buffer.</summary>
internal readonly record struct QueuedAppend(byte[] Buffer, int Length, int RecordCount, PendingAppend Append);

/// <summary>
/// The appends the writer took from the queue for one write + one sync, and the LSNs it gave them.
/// Writer thread only. The buffers are written with one vectored write (pwritev), so records are copied
/// once, by their appender, and never again.
/// </summary>
internal sealed class WalBatch
{
    private readonly List<ReadOnlyMemory<byte>> _buffers = new(64);
    private QueuedAppend[] _items = new QueuedAppend[64];
    private long[] _lsns = new long[64];
    private int _count;

    public long Length { get; private set; }

    public bool IsEmpty => _count == 0;

    public long FirstLsn { get; private set; }

    public long LastLsn { get; private set; }

    public int RecordCount { get; private set; }

    public IReadOnlyList<ReadOnlyMemory<byte>> Buffers => _buffers;

    public void Add(QueuedAppend item, long firstLsn)
    {
        if (_count == _items.Length)
        {
            Array.Resize(ref _items, _count * 2);
            Array.Resize(ref _lsns, _count * 2);
        }

        if (_count == 0)
        {
            FirstLsn = firstLsn;
        }

        _items[_count] = item;
        _lsns[_count] = firstLsn;
        _count++;
        _buffers.Add(item.Buffer.AsMemory(0, item.Length));
        Length += item.Length;
        RecordCount += item.RecordCount;
        LastLsn = firstLsn + item.RecordCount - 1;
    }

    /// <summary>Completes every append with its (first) LSN; continuations run on the thread pool.</summary>
    public void Complete()
    {
        for (var i = 0; i < _count; i++)
        {
            _items[i].Append.SetResult(_lsns[i]);
        }
    }

    public void Fault(Exception error)
    {
        for (var i = 0; i < _count; i++)
        {
            _items[i].Append.SetException(error);
        }
    }

    /// <summary>Returns the record buffers to the pool and empties the batch for reuse.</summary>
    public void Reset()
    {
        for (var i = 0; i < _count; i++)
        {
            ArrayPool<byte>.Shared.Return(_items[i].Buffer);
        }

        Array.Clear(_items, 0, _count);
        _buffers.Clear();
        _count = 0;
        Length = 0;
        RecordCount = 0;
    }
}
