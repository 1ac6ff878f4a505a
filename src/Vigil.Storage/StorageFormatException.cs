namespace Vigil.Storage;

/// <summary>Why a file could not be read as the Vigil format it claims to be.</summary>
public enum StorageFormatError
{
    /// <summary>The file ends before the structure it describes does.</summary>
    Truncated,

    /// <summary>The magic number is not the one this format starts (or ends) with.</summary>
    BadMagic,

    /// <summary>The version byte names a format this build cannot read (written by a newer Vigil).</summary>
    UnsupportedVersion,

    /// <summary>The stored CRC32C does not match the bytes it covers.</summary>
    ChecksumMismatch,

    /// <summary>Checksums match but the content is inconsistent (offsets out of range, duplicate ids, …).</summary>
    InvalidLayout,
}

/// <summary>
/// A block, manifest or WAL file failed validation. Thrown when opening or reading a file,
/// never for an I/O error (those stay <see cref="IOException"/>); the file is left untouched
/// so an operator can inspect it.
/// </summary>
public sealed class StorageFormatException : IOException
{
    public StorageFormatException(string path, StorageFormatError error, string detail)
        : base($"'{path}' is not a valid file ({error}): {detail}")
    {
        Path = path;
        Error = error;
    }

    public string Path { get; }

    public StorageFormatError Error { get; }
}
