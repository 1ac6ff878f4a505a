using Vigil.Storage.IO;

namespace Vigil.Audit.Engine;

public sealed class AuditLogOptions
{
    /// <summary>The audit directory, e.g. &lt;data&gt;/audit (holding wal/, blocks/ and MANIFEST).</summary>
    public required string Directory { get; init; }
    public SyncMode Sync { get; init; } = SyncMode.Fsync;

    /// <summary>
    /// Seal once this many bytes of events are unsealed (64 MiB: ~90k events of ~700 B, one block of ~5 MiB).
    /// Also what the in-memory tail costs at most between seals.
    /// </summary>
    public long SealBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>…or once the oldest unsealed event was read from the WAL this long ago.</summary>
    public TimeSpan SealInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The WAL's segment size. Truncation deletes whole segments and keeps the one holding the last sealed event, so
    /// a sealed WAL keeps at most about this much of what blocks already hold.
    /// </summary>
    public long WalSegmentBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Raw JSON bytes per block chunk: the unit of decompression and of time pruning within a block.</summary>
    public int ChunkBytes { get; init; } = 1024 * 1024;

    /// <summary>Brotli quality for chunks (0–11); docs/formats/audit-block.md gives the measured trade-off.</summary>
    public int CompressionQuality { get; init; } = 5;

    /// <summary>CloudTrail's event history: 90 days. Reads hide older events at once; whole blocks go at the next pass.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(90);

    /// <summary>How often blocks past <see cref="Retention"/> are removed.</summary>
    public TimeSpan RetentionInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The clock for retention and the seal interval; tests move it.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>False in tests that seal and enforce retention by hand.</summary>
    public bool BackgroundWork { get; init; } = true;

    /// <summary>Seal what is left when the log is disposed (a graceful shutdown), so the next start replays nothing.</summary>
    public bool SealOnDispose { get; init; } = true;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Directory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(SealBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ChunkBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(CompressionQuality, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(CompressionQuality, 11);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Retention, TimeSpan.Zero);
    }
}
