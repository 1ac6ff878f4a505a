using Vigil.Storage.Blocks;
using Vigil.Storage.IO;
using Vigil.Storage.Manifest;
using Vigil.Storage.Wal;

namespace Vigil.Storage.Engines;

/// <summary>
/// The files every embedded engine keeps in its directory: <c>blocks/</c>, <c>wal/</c> and the manifest. Opening
/// creates the folders, deletes temp files a crash left behind, opens the manifest and recovers the WAL; the engine
/// then loads the manifest's blocks and replays the WAL after its checkpoint.
/// </summary>
public sealed record EngineFiles(string BlockDirectory, WriteAheadLog Wal, ManifestStore Manifest)
{
    public static EngineFiles Open(string directory, SyncMode sync)
    {
        var blockDir = Path.Combine(directory, "blocks");
        var walDir = Path.Combine(directory, "wal");
        Directory.CreateDirectory(blockDir);
        Directory.CreateDirectory(walDir);
        BlockWriter.DeleteTempFiles(blockDir);
        BlockWriter.DeleteTempFiles(directory);
        var manifest = ManifestStore.Open(directory, sync: sync);
        var wal = WriteAheadLog.Open(new WalOptions { Directory = walDir, Sync = sync });
        return new EngineFiles(blockDir, wal, manifest);
    }
}
