using System.Buffers;
using Vigil.Storage.IO;

namespace Vigil.Storage.Wal;

// Checkpointing and replay: the two ways callers look at segments rather than appends.
public sealed partial class WriteAheadLog
{
    /// <summary>
    /// Checkpoint: deletes every segment whose records all have LSN &lt; <paramref name="lsn"/>
    /// (call it once those records are safely in blocks). Whole segments only, and never the
    /// newest, so the log keeps knowing where it is. Returns how many segments were deleted.
    /// Thread-safe and independent of appends; do not call it while enumerating
    /// <see cref="Replay"/> over the same range.
    /// </summary>
    public int TruncateBefore(long lsn)
    {
        // Deleting oldest first, syncing the directory after each, means a crash leaves a
        // contiguous suffix of segments. A hole (an old segment surviving a newer one's
        // deletion) would read as damage on reopen and cost every segment after it.
        lock (_truncateLock)
        {
            WalSegmentInfo[] doomed;
            lock (_segmentsLock)
            {
                var count = 0;
                while (count + 1 < _segments.Count && _segments[count + 1].FirstLsn <= lsn)
                {
                    count++;
                }

                if (count == 0)
                {
                    return 0;
                }

                doomed = new WalSegmentInfo[count];
                _segments.CopyTo(0, doomed, 0, count);
                _segments.RemoveRange(0, count);
            }

            foreach (var segment in doomed)
            {
                File.Delete(segment.Path);
                FileSync.Directory(_directory, _options.Sync);
            }

            return doomed.Length;
        }
    }

    /// <summary>
    /// Every record that survived recovery with LSN ≥ <paramref name="fromLsn"/>, in LSN order,
    /// re-verified against its CRC as it is read (a mismatch now throws
    /// <see cref="StorageFormatException"/>: the file changed after recovery). Records appended
    /// since the log was opened are not included. Call it at startup, before truncating;
    /// each record's payload is only valid until the next MoveNext.
    /// </summary>
    public IEnumerable<WalRecord> Replay(long fromLsn = 1) => ReplayCore(_recoveredSegments, _recoveredNextLsn, fromLsn);

    /// <summary>
    /// Every record with LSN ≥ <paramref name="fromLsn"/> that was durable (<see cref="DurableLsn"/>) when this was
    /// called, appended since the log was opened or before, in LSN order and re-verified against its CRC: lets an
    /// engine build its blocks from the log itself, off the append path. Thread-safe beside appends; the caller must
    /// not truncate at or past <paramref name="fromLsn"/> while enumerating. Each payload is only valid until the next
    /// MoveNext.
    /// </summary>
    public IEnumerable<WalRecord> ReadDurable(long fromLsn)
    {
        var endLsn = DurableLsn + 1;
        WalSegmentInfo[] segments;
        lock (_segmentsLock)
        {
            // A segment the writer has just rolled to holds nothing durable yet, and its header may not be either.
            segments = [.. _segments.Where(s => s.FirstLsn < endLsn)];
        }

        return ReplayCore(segments, endLsn, fromLsn);
    }

    private static IEnumerable<WalRecord> ReplayCore(WalSegmentInfo[] segments, long endLsn, long fromLsn)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            for (var i = 0; i < segments.Length; i++)
            {
                var segment = segments[i];
                var segmentEnd = i + 1 < segments.Length ? segments[i + 1].FirstLsn : endLsn;
                if (segmentEnd <= fromLsn)
                {
                    continue;
                }

                using var reader = WalSegmentReader.Open(segment.Path);
                if (!reader.TryReadHeader(out _))
                {
                    throw new StorageFormatException(segment.Path, StorageFormatError.ChecksumMismatch, "segment header changed after recovery");
                }

                for (var lsn = segment.FirstLsn; lsn < segmentEnd; lsn++)
                {
                    var status = reader.ReadRecord(ref buffer, out var type, out var length);
                    if (status != WalReadStatus.Ok)
                    {
                        throw new StorageFormatException(
                            segment.Path,
                            status == WalReadStatus.ChecksumMismatch ? StorageFormatError.ChecksumMismatch : StorageFormatError.Truncated,
                            $"record {lsn} at offset {reader.RecordStart} changed after recovery");
                    }

                    if (lsn >= fromLsn)
                    {
                        yield return new WalRecord(lsn, type, buffer.AsMemory(0, length));
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
