namespace Vigil.Storage.Wal;

/// <summary>Where the surviving log ended and why.</summary>
public enum WalDamage
{
    /// <summary>Every segment ended on a record boundary; nothing was dropped.</summary>
    None,

    /// <summary>A record's header or payload runs past the end of its file (a write cut short).</summary>
    TornRecord,

    /// <summary>A complete record whose CRC32C does not match (torn page, bit rot, stray write).</summary>
    ChecksumMismatch,

    /// <summary>A segment whose own header is short or fails its CRC (died while rolling over).</summary>
    TornSegmentHeader,

    /// <summary>The next segment does not start at the LSN after the previous one's last record.</summary>
    SequenceGap,

    /// <summary>
    /// What survived ended below <see cref="WalOptions.MinimumNextLsn"/> (the log was lost, or cut below what its
    /// engine had sealed): those segments were deleted and the log resumes at the minimum.
    /// </summary>
    BehindMinimum,
}

/// <summary>
/// What recovery found when the log was opened. The log is always the longest valid prefix:
/// everything from the first damaged byte on was truncated or deleted.
/// </summary>
/// <param name="SegmentsScanned">Segment files found on open.</param>
/// <param name="FirstLsn">LSN of the oldest surviving record (equals <paramref name="NextLsn"/> when none survive).</param>
/// <param name="NextLsn">LSN the next append will get; also the first LSN lost if anything was dropped.</param>
/// <param name="Damage">What ended the valid prefix.</param>
/// <param name="DamagedSegment">File name of the segment holding the damage, or null.</param>
/// <param name="DamageOffset">Byte offset in that segment where it was truncated (0 when it was deleted whole).</param>
/// <param name="BytesDropped">Bytes removed: the truncated tail plus every later segment deleted.</param>
/// <param name="SegmentsDeleted">Whole segment files deleted (the damaged one if its header was torn, and all later ones).</param>
public sealed record WalRecoveryReport(
    int SegmentsScanned,
    long FirstLsn,
    long NextLsn,
    WalDamage Damage,
    string? DamagedSegment,
    long DamageOffset,
    long BytesDropped,
    int SegmentsDeleted)
{
    public long RecordsRecovered => NextLsn - FirstLsn;

    public bool Truncated => Damage != WalDamage.None;
}
