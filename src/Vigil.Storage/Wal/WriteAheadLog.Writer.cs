using Vigil.Storage.IO;

namespace Vigil.Storage.Wal;

// The writer thread: the only code that touches the active segment file.
public sealed partial class WriteAheadLog
{
    // A batch stops growing here, to bound the memory one write pins (records are already encoded).
    private const long MaxBatchBytes = 8L * 1024 * 1024;

    private void WriterLoop()
    {
        var batch = new WalBatch();
        try
        {
            while (true)
            {
                while (batch.Length < MaxBatchBytes && _queue.TryDequeue(out var item))
                {
                    batch.Add(item, _nextLsn);
                    _nextLsn += item.RecordCount;
                }

                if (batch.IsEmpty)
                {
                    if (_closing)
                    {
                        return; // Closing, and everything queued has been written.
                    }

                    // Announce idleness, then look once more: an appender that queued before seeing the
                    // flag would otherwise wait for a wake that never comes.
                    Volatile.Write(ref _writerIdle, 1);
                    if (!_queue.IsEmpty || _closing)
                    {
                        if (Interlocked.Exchange(ref _writerIdle, 0) == 0)
                        {
                            _wake.Wait(); // an appender took the flag and released once: consume it
                        }

                        continue;
                    }

                    _wake.Wait();
                    continue;
                }

                try
                {
                    Write(batch);
                }
#pragma warning disable CA1031 // Any failure must fault the waiters, or they hang forever.
                catch (Exception error)
#pragma warning restore CA1031
                {
                    Fail(error, batch);
                    return;
                }

                Volatile.Write(ref _durableLsn, batch.LastLsn);
                batch.Complete();
                batch.Reset();
            }
        }
        finally
        {
            _active?.Dispose();
            _active = null;
            Volatile.Write(ref _writerGone, true);
            FaultQueued();
            _writerExited.TrySetResult();
        }
    }

    private void Write(WalBatch batch)
    {
        _options.IoHook?.Invoke(WalIoOperation.Write);
        if (_active is null || _activeLength >= _options.SegmentBytes)
        {
            Roll(batch.FirstLsn);
        }

        EnsureZeroFilled(_activeLength + batch.Length);
        if (batch.Buffers.Count == 1)
        {
            RandomAccess.Write(_active!, batch.Buffers[0].Span, _activeLength); // the vectored overload allocates per call
        }
        else
        {
            RandomAccess.Write(_active!, batch.Buffers, _activeLength);
        }
        _activeLength += batch.Length;
        _options.IoHook?.Invoke(WalIoOperation.Sync);
        if (_options.Sync == SyncMode.Fsync)
        {
            FileSync.DataSync(_active!);
            Interlocked.Increment(ref _syncs);
        }

        Interlocked.Add(ref _recordsWritten, batch.RecordCount);
        Interlocked.Increment(ref _batchesWritten);
    }

    /// <summary>
    /// Keeps the file zero-filled (written, not just allocated) at least to <paramref name="end"/>, in steps of
    /// <see cref="WalOptions.ZeroFillBytes"/> (1 MiB).
    /// Appending past the end of a file makes every fdatasync also commit the new size through the filesystem
    /// journal: ~1.6 ms per sync on this machine's disk against ~0.2 ms for overwriting written blocks. So the
    /// size grows once per MiB and the record writes overwrite zeros. Readers stop at an all-zero record header.
    /// </summary>
    private void EnsureZeroFilled(long end)
    {
        var step = _options.ZeroFillBytes;
        while (step > 0 && _zeroedLength < end)
        {
            _zeroChunk ??= new byte[step];
            RandomAccess.Write(_active!, _zeroChunk, _zeroedLength);
            _zeroedLength += step;
        }
    }

    /// <summary>Starts a segment whose first record is <paramref name="firstLsn"/>; the batch follows the header.</summary>
    private void Roll(long firstLsn)
    {
        var path = Path.Combine(_directory, WalFormat.SegmentFileName(firstLsn));
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        try
        {
            Span<byte> header = stackalloc byte[WalFormat.SegmentHeaderSize];
            WalFormat.WriteSegmentHeader(header, firstLsn);
            RandomAccess.Write(handle, header, 0);

            // The name must be durable before any record in the file is acknowledged; the data
            // sync after the batch then covers header and records together.
            FileSync.Directory(_directory, _options.Sync);
        }
        catch
        {
            handle.Dispose();
            throw;
        }

        _active?.Dispose();
        _active = handle;
        _activeLength = WalFormat.SegmentHeaderSize;
        _zeroedLength = WalFormat.SegmentHeaderSize;
        lock (_segmentsLock)
        {
            _segments.Add(new WalSegmentInfo(firstLsn, path));
        }
    }

    private void Fail(Exception error, WalBatch inFlight)
    {
        _failure = new WalFailedException(
            $"Writing the WAL in '{_directory}' failed; the log accepts no more writes. Reopen it to recover.", error);

        // Appenders check _failure before queueing; whatever got in anyway is faulted as the writer exits.
        inFlight.Fault(_failure);
        inFlight.Reset();
    }
}
