using System.Buffers;

namespace Vigil.Storage.Wal;

// The caller-side half of group commit. Runs on the appending thread; allocation-free in the
// steady state (pooled completion, pooled batch buffer, no closure).
public sealed partial class WriteAheadLog
{
    /// <summary>
    /// Appends one <see cref="DataRecordType"/> record. The returned task completes with the
    /// record's LSN only after the record is written and synced; it must be awaited exactly
    /// once. <paramref name="payload"/> is copied before this returns, so the caller may reuse
    /// it at once. <paramref name="cancellationToken"/> is checked only before the record is
    /// queued: once queued it will be written, and the task reports that.
    /// </summary>
    public ValueTask<long> AppendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default) =>
        AppendAsync(DataRecordType, payload, cancellationToken);

    /// <summary>As <see cref="AppendAsync(ReadOnlyMemory{byte}, CancellationToken)"/>, with a caller-defined type 1..127 that <see cref="Replay"/> hands back.</summary>
    public ValueTask<long> AppendAsync(byte type, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        ValidateType(type);
        ValidateLength(payload.Length, nameof(payload));
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<long>(cancellationToken);
        }

        var span = payload.Span;
        var crc = WalFormat.RecordCrc(type, span);
        var append = _pool.Rent();
        lock (_lock)
        {
            if (_failure is null && !_closing)
            {
                var lsn = _nextLsn++;
                var wasEmpty = _filling.IsEmpty;
                _filling.AddRecord(lsn, type, crc, span);
                _filling.AddWaiter(append, lsn);
                if (wasEmpty)
                {
                    // The writer only ever waits on an empty batch; one pulse per batch.
                    Monitor.Pulse(_lock);
                }

                return append.Task;
            }
        }

        _pool.Return(append);
        return ValueTask.FromException<long>(Rejection());
    }

    /// <summary>
    /// Appends several <see cref="DataRecordType"/> records with consecutive LSNs, in one batch;
    /// completes with the first LSN once all are synced. Not atomic across a crash: an
    /// unacknowledged batch may come back in part (a prefix of it). Put records that must
    /// stand or fall together in one payload.
    /// </summary>
    public ValueTask<long> AppendBatchAsync(IReadOnlyList<ReadOnlyMemory<byte>> payloads, CancellationToken cancellationToken = default) =>
        AppendBatchAsync(DataRecordType, payloads, cancellationToken);

    /// <summary>As <see cref="AppendBatchAsync(IReadOnlyList{ReadOnlyMemory{byte}}, CancellationToken)"/>, every record with <paramref name="type"/>.</summary>
    public ValueTask<long> AppendBatchAsync(byte type, IReadOnlyList<ReadOnlyMemory<byte>> payloads, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payloads);
        ValidateType(type);
        var count = payloads.Count;
        if (count == 0)
        {
            throw new ArgumentException("A batch needs at least one record.", nameof(payloads));
        }

        for (var i = 0; i < count; i++)
        {
            ValidateLength(payloads[i].Length, nameof(payloads));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<long>(cancellationToken);
        }

        var crcs = ArrayPool<uint>.Shared.Rent(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                crcs[i] = WalFormat.RecordCrc(type, payloads[i].Span);
            }

            var append = _pool.Rent();
            lock (_lock)
            {
                if (_failure is null && !_closing)
                {
                    var first = _nextLsn;
                    var wasEmpty = _filling.IsEmpty;
                    for (var i = 0; i < count; i++)
                    {
                        _filling.AddRecord(_nextLsn++, type, crcs[i], payloads[i].Span);
                    }

                    _filling.AddWaiter(append, first);
                    if (wasEmpty)
                    {
                        Monitor.Pulse(_lock);
                    }

                    return append.Task;
                }
            }

            _pool.Return(append);
            return ValueTask.FromException<long>(Rejection());
        }
        finally
        {
            ArrayPool<uint>.Shared.Return(crcs);
        }
    }

    private Exception Rejection()
    {
        lock (_lock)
        {
            return _failure ?? (Exception)new ObjectDisposedException(nameof(WriteAheadLog));
        }
    }

    private static void ValidateType(byte type)
    {
        if (type is 0 or > WalFormat.MaxCallerType)
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "Record types 1..127 are for callers; the rest are reserved.");
        }
    }

    private static void ValidateLength(int length, string parameterName)
    {
        if (length > WalFormat.MaxPayloadBytes)
        {
            throw new ArgumentOutOfRangeException(
                parameterName, length, $"A WAL record holds at most {WalFormat.MaxPayloadBytes} bytes.");
        }
    }
}
