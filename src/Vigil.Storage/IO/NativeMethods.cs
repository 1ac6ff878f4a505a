using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Vigil.Storage.IO;

// libc calls .NET does not expose: fdatasync (RandomAccess.FlushToDisk is a full fsync) and
// fsync on a directory (File.OpenHandle refuses directories). Unix only; callers check.
internal static partial class NativeMethods
{
    // "libc.so.6" is glibc's soname; plain "libc" resolves to a linker script on glibc systems.
    private const string LibC = "libc.so.6";

    internal const int EINTR = 4;
    internal const int ORdOnly = 0;

    [LibraryImport(LibC, EntryPoint = "fdatasync", SetLastError = true)]
    internal static partial int FDataSync(SafeFileHandle fd);

    [LibraryImport(LibC, EntryPoint = "fsync", SetLastError = true)]
    internal static partial int FSync(int fd);

    [LibraryImport(LibC, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags);

    [LibraryImport(LibC, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);
}
