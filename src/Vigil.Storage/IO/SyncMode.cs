namespace Vigil.Storage.IO;

/// <summary>How a storage component makes its writes durable.</summary>
public enum SyncMode
{
    /// <summary>
    /// Flush file data to stable storage before acknowledging (fdatasync on Linux, fsync or
    /// FlushFileBuffers elsewhere), and fsync the directory after creating, renaming or
    /// deleting files.
    /// </summary>
    Fsync = 0,

    /// <summary>
    /// Write to the OS page cache only. Data survives a process crash but not a power loss or
    /// kernel panic. Only for tests and benchmarks that say so.
    /// </summary>
    None = 1,
}
