using System.Buffers;
using Microsoft.Win32.SafeHandles;
using Vigil.Storage.IO;

namespace Vigil.Storage.Wal;

/// <summary>A segment that survived recovery or was created since; immutable.</summary>
internal sealed record WalSegmentInfo(long FirstLsn, string Path);

/// <summary>The log as recovery left it.</summary>
internal sealed record WalRecoveryResult(
    List<WalSegmentInfo> Segments, long ActiveLength, WalRecoveryReport Report);

/// <summary>
/// Runs once, on the opening thread, before the writer starts. Finds the longest valid prefix
/// of the log — segments in LSN order, each header valid, each record whole with a matching
/// CRC, each segment starting right after the previous one ends — and cuts everything after
/// it: the damaged segment is truncated at the damaged record's first byte (or deleted when its
/// header is torn), every later segment is deleted, then the file and directory are synced.
/// Re-running it on its own output changes nothing, so a crash during recovery is harmless.
/// </summary>
internal static class WalRecovery
{
    public static WalRecoveryResult Run(string directory, SyncMode sync, long minimumNextLsn = 1)
    {
        var files = ListSegments(directory);
        var survivors = new List<WalSegmentInfo>(files.Count);
        var nextLsn = files.Count > 0 ? files[0].FirstLsn : 1;
        var firstLsn = nextLsn;
        long activeLength = 0;
        var damage = WalDamage.None;
        var damagedIndex = files.Count;
        long damageOffset = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            for (var i = 0; i < files.Count && damage == WalDamage.None; i++)
            {
                var segment = files[i];
                if (segment.FirstLsn != nextLsn)
                {
                    damage = WalDamage.SequenceGap;
                    damagedIndex = i;
                    break;
                }

                using var reader = WalSegmentReader.Open(segment.Path);
                if (!reader.TryReadHeader(out var headerLsn))
                {
                    damage = WalDamage.TornSegmentHeader;
                    damagedIndex = i;
                    break;
                }

                if (headerLsn != segment.FirstLsn)
                {
                    throw new StorageFormatException(
                        segment.Path, StorageFormatError.InvalidLayout, $"header says first LSN {headerLsn}; was the file renamed?");
                }

                var status = WalReadStatus.Ok;
                while (status == WalReadStatus.Ok)
                {
                    status = reader.ReadRecord(ref buffer, out _, out _);
                    if (status == WalReadStatus.Ok)
                    {
                        nextLsn++;
                    }
                }

                survivors.Add(segment);
                activeLength = reader.RecordStart;
                if (status != WalReadStatus.EndOfSegment)
                {
                    damage = status == WalReadStatus.Torn ? WalDamage.TornRecord : WalDamage.ChecksumMismatch;
                    damagedIndex = i;
                    damageOffset = reader.RecordStart;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var report = new WalRecoveryReport(
            files.Count, firstLsn, nextLsn, damage,
            damage == WalDamage.None ? null : System.IO.Path.GetFileName(files[damagedIndex].Path),
            damageOffset, BytesDropped: 0, SegmentsDeleted: 0);
        if (damage != WalDamage.None)
        {
            report = Cut(directory, files, damagedIndex, damage, damageOffset, sync, report);
        }

        if (nextLsn < minimumNextLsn)
        {
            // Every surviving record is below the caller's minimum, so it holds them elsewhere: start afresh there.
            report = ResetTo(directory, survivors, minimumNextLsn, sync, report);
            survivors.Clear();
            activeLength = 0;
        }

        return new WalRecoveryResult(survivors, activeLength, report);
    }

    private static WalRecoveryReport ResetTo(string directory, List<WalSegmentInfo> survivors, long lsn, SyncMode sync, WalRecoveryReport report)
    {
        long dropped = 0;
        foreach (var segment in survivors)
        {
            dropped += new FileInfo(segment.Path).Length;
            File.Delete(segment.Path);
        }

        FileSync.Directory(directory, sync);
        return report with
        {
            FirstLsn = lsn,
            NextLsn = lsn,
            Damage = report.Damage == WalDamage.None ? WalDamage.BehindMinimum : report.Damage,
            DamagedSegment = report.DamagedSegment,
            BytesDropped = report.BytesDropped + dropped,
            SegmentsDeleted = report.SegmentsDeleted + survivors.Count,
        };
    }

    private static WalRecoveryReport Cut(
        string directory, List<WalSegmentInfo> files, int damagedIndex, WalDamage damage, long offset,
        SyncMode sync, WalRecoveryReport report)
    {
        long dropped = 0;
        var deleted = 0;
        var firstToDelete = damagedIndex;
        if (damage is WalDamage.TornRecord or WalDamage.ChecksumMismatch)
        {
            // Truncate first, delete later segments after: if we die in between, the next
            // recovery sees a gap after this segment and finishes the job.
            using SafeFileHandle handle = File.OpenHandle(files[damagedIndex].Path, FileMode.Open, FileAccess.Write);
            var length = RandomAccess.GetLength(handle);
            RandomAccess.SetLength(handle, offset);
            FileSync.DataSync(handle, sync);
            dropped += length - offset;
            firstToDelete++;
        }

        // Whatever point a crash interrupts this loop at, the survivors still end at the
        // truncated segment and the next recovery sees a gap after it and deletes the rest.
        for (var i = files.Count - 1; i >= firstToDelete; i--)
        {
            dropped += new FileInfo(files[i].Path).Length;
            File.Delete(files[i].Path);
            deleted++;
        }

        FileSync.Directory(directory, sync);
        return report with { BytesDropped = dropped, SegmentsDeleted = deleted };
    }

    private static List<WalSegmentInfo> ListSegments(string directory)
    {
        var segments = new List<WalSegmentInfo>();
        foreach (var path in System.IO.Directory.EnumerateFiles(directory, "*" + WalFormat.SegmentExtension))
        {
            if (WalFormat.TryParseSegmentFileName(System.IO.Path.GetFileName(path), out var firstLsn))
            {
                segments.Add(new WalSegmentInfo(firstLsn, path));
            }
        }

        segments.Sort(static (a, b) => a.FirstLsn.CompareTo(b.FirstLsn));
        return segments;
    }
}
