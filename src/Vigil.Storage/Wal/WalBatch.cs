using System.Buffers;

namespace Vigil.Storage.Wal;

/// <summary>
/// Encoded records waiting for one write + one sync, and the appends to complete afterwards.
/// Filled by appenders under <c>WriteAheadLog._lock</c>; once the writer swaps it out it is
/// the writer thread's alone until it is reset and swapped back in. Two instances per log
/// alternate, so the steady state allocates nothing.
/// </summary>
internal sealed class WalBatch
{
    // 64 KiB holds a batch from 64 appenders of ~500 B without growing; anything that grew
    // past 4 MiB (a burst of large records) is given back rather than pinned for the log's life.
    private const int InitialBytes = 64 * 1024;
    private const int RetainedBytes = 4 * 1024 * 1024;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBytes);
    private Waiter[] _waiters = new Waiter[64];
    private int _waiterCount;

    public int Length { get; private set; }

    public bool IsEmpty => Length == 0;

    public long FirstLsn { get; private set; }

    public long LastLsn { get; private set; }

    public int RecordCount { get; private set; }

    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, Length);

    public void AddRecord(long lsn, byte type, uint crc, ReadOnlySpan<byte> payload)
    {
        var size = WalFormat.RecordHeaderSize + payload.Length;
        EnsureCapacity(size);
        var destination = _buffer.AsSpan(Length, size);
        WalFormat.WriteRecordHeader(destination, payload.Length, crc, type);
        payload.CopyTo(destination[WalFormat.RecordHeaderSize..]);
        Length += size;
        if (RecordCount == 0)
        {
            FirstLsn = lsn;
        }

        LastLsn = lsn;
        RecordCount++;
    }

    public void AddWaiter(PendingAppend append, long result)
    {
        if (_waiterCount == _waiters.Length)
        {
            Array.Resize(ref _waiters, _waiters.Length * 2);
        }

        _waiters[_waiterCount++] = new Waiter(append, result);
    }

    public void Complete()
    {
        for (var i = 0; i < _waiterCount; i++)
        {
            _waiters[i].Append.SetResult(_waiters[i].Result);
        }
    }

    public void Fault(Exception error)
    {
        for (var i = 0; i < _waiterCount; i++)
        {
            _waiters[i].Append.SetException(error);
        }

        _waiterCount = 0;
    }

    public void Reset()
    {
        Array.Clear(_waiters, 0, _waiterCount);
        _waiterCount = 0;
        Length = 0;
        RecordCount = 0;
        if (_buffer.Length > RetainedBytes)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(InitialBytes);
        }
    }

    public void Release()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private void EnsureCapacity(int extra)
    {
        if (Length + extra <= _buffer.Length)
        {
            return;
        }

        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, Length + extra));
        _buffer.AsSpan(0, Length).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = grown;
    }

    private readonly record struct Waiter(PendingAppend Append, long Result);
}
