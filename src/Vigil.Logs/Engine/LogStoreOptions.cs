using Vigil.Storage.IO;

namespace Vigil.Logs.Engine;

public sealed class LogStoreOptions
{
    /// <summary>The logs directory, e.g. &lt;data&gt;/logs.</summary>
    public required string Directory { get; init; }
    public SyncMode Sync { get; init; } = SyncMode.Fsync;

    /// <summary>Checkpoint (seal the head into blocks, truncate the WAL) once the head holds this many message bytes.</summary>
    public long CheckpointHeadBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>…or once the head's first event was appended this long ago.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Raw message bytes per block chunk: the unit of decompression, time pruning and Bloom filtering.</summary>
    public int ChunkBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Brotli quality for chunk messages (0–11): 7 gives ~37 bytes per typical 200-byte line at ~15–20 MB/s per core.</summary>
    public int CompressionQuality { get; init; } = 7;

    /// <summary>
    /// Brotli quality a checkpoint seals at (0: ~30× faster than 7 on logs, ~45 % larger): sealing then keeps up with ingest.
    /// Blocks sealed below <see cref="CompressionQuality"/> are recompressed at it in the background once they are
    /// <see cref="RecompressAfter"/> old, one at a time.
    /// </summary>
    public int SealQuality { get; init; } = 0;

    /// <summary>
    /// Decoded chunks kept in memory for queries (least recently used out first). A query caches the chunks it reads
    /// while they fit (newest first for a newest-first scan), so repeating an investigation over the same data skips
    /// Brotli, the largest cost of a scan. Default: a quarter of the memory the process may use, at least 256 MiB.
    /// </summary>
    public long ChunkCacheBytes { get; init; } = DefaultChunkCacheBytes();

    /// <summary>How long a fast-sealed block waits before background recompression (a burst of ingest is not slowed by it).</summary>
    public TimeSpan RecompressAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How often expired blocks (retention) and deleted groups' blocks are removed.</summary>
    public TimeSpan RetentionInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The clock for ingestion times and retention; tests move it.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>False in tests that checkpoint and enforce retention by hand.</summary>
    public bool BackgroundWork { get; init; } = true;

    public static long DefaultChunkCacheBytes() => Math.Max(256L * 1024 * 1024, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4);
}

/// <summary>Why the store refused a change; the API maps each to CloudWatch Logs' error.</summary>
public enum LogStoreError
{
    LogGroupNotFound,
    LogGroupExists,
    LogStreamNotFound,
    LogStreamExists,
    DeletionProtected,
}

public sealed class LogStoreException(LogStoreError error, string message) : Exception(message)
{
    public LogStoreError Error { get; } = error;
}
