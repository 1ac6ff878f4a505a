using Vigil.Storage.IO;

namespace Vigil.Storage.Wal;

/// <summary>Settings for <see cref="WriteAheadLog.Open(WalOptions)"/>. Immutable once the log is open.</summary>
public sealed class WalOptions
{
    /// <summary>64 MiB: ~130k records of 500 B, so checkpoints free space in coarse, cheap steps.</summary>
    public const long DefaultSegmentBytes = 64L * 1024 * 1024;

    /// <summary>Directory holding the segment files; created if missing. One log per directory.</summary>
    public required string Directory { get; init; }

    /// <summary>
    /// A new segment starts once the current one has reached this size. A batch is never split
    /// across segments, so a segment can exceed it by up to one batch.
    /// </summary>
    public long SegmentBytes { get; init; } = DefaultSegmentBytes;

    /// <summary>
    /// The log never resumes below this LSN (default 1). An engine whose blocks hold every record up to n passes
    /// n + 1: should its log have been lost or cut below that (a deleted directory, a damaged record it had already
    /// sealed), recovery deletes what survived — records the engine no longer needs — and the log starts at n + 1,
    /// so a new record never takes a sealed record's LSN (<see cref="WalDamage.BehindMinimum"/>).
    /// </summary>
    public long MinimumNextLsn { get; init; } = 1;

    /// <summary><see cref="SyncMode.Fsync"/> unless a test or benchmark says otherwise.</summary>
    public SyncMode Sync { get; init; } = SyncMode.Fsync;

    /// <summary>
    /// How far ahead of the records the writer keeps the active segment zero-filled, in steps of this size
    /// (default 1 MiB; 0 turns it off). Overwriting written zeros lets fdatasync skip the journal commit that
    /// growing the file needs: ~0.2 ms per sync instead of ~1.6 ms on this machine's disk.
    /// </summary>
    public int ZeroFillBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// Test seam: called on the writer thread before every batch write and every sync (also
    /// under <see cref="SyncMode.None"/>, so a test can model a slow disk). Throwing from it
    /// behaves exactly like the I/O call failing.
    /// </summary>
    internal Action<WalIoOperation>? IoHook { get; init; }

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Directory);
        if (SegmentBytes <= WalFormat.SegmentHeaderSize)
        {
            throw new ArgumentOutOfRangeException(
                nameof(SegmentBytes), SegmentBytes, $"Must exceed the {WalFormat.SegmentHeaderSize}-byte segment header.");
        }

        if (MinimumNextLsn < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumNextLsn), MinimumNextLsn, "LSNs start at 1.");
        }

        if (ZeroFillBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ZeroFillBytes), ZeroFillBytes, "Must be 0 (off) or positive.");
        }

        if (!Enum.IsDefined(Sync))
        {
            throw new ArgumentOutOfRangeException(nameof(Sync), Sync, "Unknown sync mode.");
        }
    }
}

internal enum WalIoOperation
{
    Write,
    Sync,
}
