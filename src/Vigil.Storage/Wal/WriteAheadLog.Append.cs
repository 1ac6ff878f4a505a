using System.Buffers;

namespace Vigil.Storage.Wal;

// The caller-side half of group commit. Runs on the appending thread: encodes the record (CRC and header)
// into a pooled buffer and queues it; no lock is taken, so appenders never wait for each other or the writer.
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

        var size = WalFormat.RecordHeaderSize + payload.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        Encode(buffer, type, payload.Span);
        return Enqueue(buffer, size, recordCount: 1);
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

        long size = 0;
        for (var i = 0; i < count; i++)
        {
            ValidateLength(payloads[i].Length, nameof(payloads));
            size += WalFormat.RecordHeaderSize + payloads[i].Length;
        }

        if (size > int.MaxValue / 2)
        {
            throw new ArgumentException("A batch must stay under 1 GiB; split it.", nameof(payloads));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<long>(cancellationToken);
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)size);
        var offset = 0;
        for (var i = 0; i < count; i++)
        {
            var payload = payloads[i].Span;
            Encode(buffer.AsSpan(offset), type, payload);
            offset += WalFormat.RecordHeaderSize + payload.Length;
        }

        return Enqueue(buffer, offset, count);
    }

    private static void Encode(Span<byte> destination, byte type, ReadOnlySpan<byte> payload)
    {
        WalFormat.WriteRecordHeader(destination, payload.Length, WalFormat.RecordCrc(type, payload), type);
        payload.CopyTo(destination[WalFormat.RecordHeaderSize..]);
    }

    private ValueTask<long> Enqueue(byte[] buffer, int length, int recordCount)
    {
        if (_failure is not null || _closing)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return ValueTask.FromException<long>(Rejection());
        }

        var append = _pool.Rent();
        var task = append.Task;
        _queue.Enqueue(new QueuedAppend(buffer, length, recordCount, append));
        WakeWriter();

        // The writer may have exited (close or failure) between the check above and the enqueue:
        // then nobody else will take this item, so fault whatever is left.
        if (Volatile.Read(ref _writerGone))
        {
            FaultQueued();
        }

        return task;
    }

    /// <summary>Wakes the writer if it is idle; one interlocked read per append when it is busy.</summary>
    private void WakeWriter()
    {
        if (Volatile.Read(ref _writerIdle) == 1 && Interlocked.Exchange(ref _writerIdle, 0) == 1)
        {
            _wake.Release();
        }
    }

    /// <summary>Faults every append still queued; used once the writer is gone.</summary>
    private void FaultQueued()
    {
        var error = Rejection();
        while (_queue.TryDequeue(out var item))
        {
            ArrayPool<byte>.Shared.Return(item.Buffer);
            item.Append.SetException(error);
        }
    }

    private Exception Rejection() =>
        (Exception?)_failure ?? new ObjectDisposedException(nameof(WriteAheadLog));

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
