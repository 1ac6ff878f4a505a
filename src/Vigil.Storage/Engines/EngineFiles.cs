using System.Globalization;
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
    /// <param name="walSegmentBytes">The WAL's segment size: truncation frees whole segments, so it bounds what a truncated WAL keeps.</param>
    /// <param name="sealedLsnProperty">
    /// The manifest property holding the last LSN the engine's blocks cover, if the engine wants the WAL never to
    /// resume at or below it (<see cref="WalOptions.MinimumNextLsn"/>).
    /// </param>
    public static EngineFiles Open(string directory, SyncMode sync, long walSegmentBytes = WalOptions.DefaultSegmentBytes, string? sealedLsnProperty = null)
    {
        var blockDir = Path.Combine(directory, "blocks");
        var walDir = Path.Combine(directory, "wal");
        Directory.CreateDirectory(blockDir);
        Directory.CreateDirectory(walDir);
        BlockWriter.DeleteTempFiles(blockDir);
        BlockWriter.DeleteTempFiles(directory);
        var manifest = ManifestStore.Open(directory, sync: sync);
        var minimumNextLsn = sealedLsnProperty is not null && manifest.Current.Properties.TryGetValue(sealedLsnProperty, out var sealedLsn)
            ? long.Parse(sealedLsn, CultureInfo.InvariantCulture) + 1
            : 1;
        var wal = WriteAheadLog.Open(new WalOptions { Directory = walDir, Sync = sync, SegmentBytes = walSegmentBytes, MinimumNextLsn = minimumNextLsn });
        return new EngineFiles(blockDir, wal, manifest);
    }
}
