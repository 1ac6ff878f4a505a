using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Vigil.Storage.IO;

/// <summary>
/// Durability primitives shared by the WAL, blocks and the manifest. Thread-safe (stateless).
/// </summary>
public static class FileSync
{
    /// <summary>
    /// Makes the file's data (and the size needed to read it back) durable. On Linux this is
    /// fdatasync, which skips the mtime journal write a full fsync pays for on every call —
    /// on ext4 that is the difference between one and two journal commits per group commit.
    /// </summary>
    public static void DataSync(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(handle);
            return;
        }

        while (NativeMethods.FDataSync(handle) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != NativeMethods.EINTR)
            {
                throw new IOException($"fdatasync failed with errno {errno}.", errno);
            }
        }
    }

    /// <summary>
    /// Makes the directory entries (created, renamed and deleted names) in
    /// <paramref name="directory"/> durable. A rename is only crash-safe once this returns.
    /// Linux only: Windows has no directory flush (NTFS journals renames) and macOS, a
    /// development platform here, would need a different libc name; both skip it.
    /// </summary>
    public static void Directory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = NativeMethods.Open(directory, NativeMethods.ORdOnly);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"Opening directory '{directory}' for fsync failed with errno {errno}.", errno);
        }

        try
        {
            while (NativeMethods.FSync(fd) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno != NativeMethods.EINTR)
                {
                    throw new IOException($"fsync of directory '{directory}' failed with errno {errno}.", errno);
                }
            }
        }
        finally
        {
            _ = NativeMethods.Close(fd);
        }
    }

    public static void DataSync(SafeFileHandle handle, SyncMode mode)
    {
        if (mode == SyncMode.Fsync)
        {
            DataSync(handle);
        }
    }

    public static void Directory(string directory, SyncMode mode)
    {
        if (mode == SyncMode.Fsync)
        {
            Directory(directory);
        }
    }
}
