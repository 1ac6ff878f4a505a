namespace Vigil.Storage.IO;

/// <summary>
/// The write-temp-then-rename protocol blocks and the manifest share: write
/// <c>&lt;name&gt;.tmp</c>, sync it, rename it to <c>&lt;name&gt;</c>, sync the directory.
/// A crash at any point leaves either the old file or the new one under the final name,
/// never a mix, plus at most a stray <c>.tmp</c> the owner deletes on its next open.
/// Stateless and thread-safe; callers own their file names.
/// </summary>
public static class AtomicFile
{
    public const string TempSuffix = ".tmp";

    public static string TempPathFor(string finalPath) => finalPath + TempSuffix;

    /// <summary>
    /// Renames the (already synced and closed) temp file over <paramref name="finalPath"/> and
    /// makes the rename durable. rename(2) replaces the target atomically.
    /// </summary>
    public static void Publish(string tempPath, string finalPath, bool overwrite, SyncMode sync)
    {
        File.Move(tempPath, finalPath, overwrite);
        FileSync.Directory(Path.GetDirectoryName(Path.GetFullPath(finalPath))!, sync);
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="finalPath"/> by the whole protocol: temp file, data sync, rename, directory sync.</summary>
    public static void WriteAllBytes(string finalPath, ReadOnlySpan<byte> bytes, SyncMode sync)
    {
        var tempPath = TempPathFor(finalPath);
        using (var file = File.OpenHandle(tempPath, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            RandomAccess.Write(file, bytes, 0);
            FileSync.DataSync(file, sync);
        }

        Publish(tempPath, finalPath, overwrite: true, sync);
    }

    /// <summary>Deletes <paramref name="path"/> if it exists; returns whether it did.</summary>
    public static bool DeleteIfExists(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        File.Delete(path);
        return true;
    }

    /// <summary>File name check shared by writers: a plain name in the directory, not a temp name.</summary>
    public static void ValidateFileName(string fileName, string parameterName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName, parameterName);
        if (fileName.AsSpan().IndexOfAny(['/', '\\', '\0']) >= 0 || fileName is "." or ".."
            || fileName.EndsWith(TempSuffix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{fileName}' must be a plain file name not ending in '{TempSuffix}'.", parameterName);
        }
    }
}
