using Vigil.Storage.IO;

namespace Vigil.Metrics.Engine;

public sealed class MetricStoreOptions
{
    /// <summary>The metrics directory, e.g. &lt;data&gt;/metrics.</summary>
    public required string Directory { get; init; }
    public SyncMode Sync { get; init; } = SyncMode.Fsync;

    /// <summary>Checkpoint (seal the head into blocks, truncate the WAL) once the head holds this many bytes.</summary>
    public long CheckpointHeadBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>…or once the oldest datapoint in the head was logged this long ago.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The clock for retention and RecentlyActive; tests move it.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>False in tests that checkpoint by hand.</summary>
    public bool BackgroundCheckpoints { get; init; } = true;
}
