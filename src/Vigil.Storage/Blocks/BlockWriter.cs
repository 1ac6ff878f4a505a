using System.Buffers.Binary;
using Vigil.Storage.Checksums;
using Vigil.Storage.IO;

namespace Vigil.Storage.Blocks;

/// <summary>
/// Writes one immutable block file (docs/formats/block.md): sections stream into
/// <c>&lt;name&gt;.tmp</c> as they are added, and <see cref="Commit"/> appends the index and
/// CRC, syncs, renames to <c>&lt;name&gt;</c> and syncs the directory. Until Commit returns
/// the final name does not exist; after it returns the block survives a power loss.
/// Not thread-safe: one thread adds sections, then calls Commit once; Dispose without Commit
/// deletes the temp file.
/// </summary>
public sealed class BlockWriter : IDisposable
{
    // 256 KiB of buffering: sections arrive as many small spans (chunks, postings).
    private const int BufferSize = 256 * 1024;

    private readonly string _finalPath;
    private readonly string _tempPath;
    private readonly SyncMode _sync;
    private readonly List<BlockSection> _sections = [];
    private FileStream? _stream;
    private uint _crc;
    private long _position;
    private bool _committed;
    private bool _disposed;

    public BlockWriter(string directory, string fileName, SyncMode sync = SyncMode.Fsync)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        AtomicFile.ValidateFileName(fileName, nameof(fileName));
        _finalPath = Path.Combine(directory, fileName);
        _tempPath = AtomicFile.TempPathFor(_finalPath);
        _sync = sync;

        // Create, not CreateNew: a .tmp of the same name can only be a leftover of a crash.
        _stream = new FileStream(_tempPath, FileMode.Create, FileAccess.Write, FileShare.None, BufferSize);
        Span<byte> header = stackalloc byte[BlockFormat.HeaderSize];
        BlockFormat.WriteHeader(header);
        Write(header);
    }

    /// <summary>Path the block will have once committed.</summary>
    public string FinalPath => _finalPath;

    /// <summary>Appends a section. Ids must be unique within the block; the bytes are copied.</summary>
    public void AddSection(uint id, ReadOnlySpan<byte> data)
    {
        ThrowIfClosed();
        foreach (var existing in _sections)
        {
            if (existing.Id == id)
            {
                throw new ArgumentException($"Section {id} was already added.", nameof(id));
            }
        }

        _sections.Add(new BlockSection(id, _position, data.Length));
        Write(data);
    }

    /// <summary>
    /// Writes the index and trailer, syncs, and atomically publishes the block under
    /// <see cref="FinalPath"/>, which must not exist yet (blocks are immutable). Returns that path.
    /// </summary>
    public string Commit()
    {
        var stream = ThrowIfClosed();
        var indexOffset = _position;
        Span<byte> scratch = stackalloc byte[BlockFormat.IndexEntrySize];
        BinaryPrimitives.WriteUInt32LittleEndian(scratch, (uint)_sections.Count);
        Write(scratch[..4]);
        foreach (var section in _sections)
        {
            BlockFormat.WriteIndexEntry(scratch, section);
            Write(scratch);
        }

        Span<byte> trailer = stackalloc byte[BlockFormat.TrailerSize];
        BlockFormat.WriteTrailerPrefix(trailer, indexOffset);
        Write(trailer[..12]);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[12..], _crc);
        stream.Write(trailer[12..]);
        stream.Flush(flushToDisk: false);
        FileSync.DataSync(stream.SafeFileHandle, _sync);
        stream.Dispose();
        _stream = null;

        AtomicFile.Publish(_tempPath, _finalPath, overwrite: false, _sync);
        _committed = true;
        return _finalPath;
    }

    /// <summary>Deletes leftover <c>*.tmp</c> blocks in <paramref name="directory"/>; call on startup, before any writer runs there.</summary>
    public static int DeleteTempFiles(string directory)
    {
        var deleted = 0;
        foreach (var path in Directory.EnumerateFiles(directory, "*" + AtomicFile.TempSuffix))
        {
            File.Delete(path);
            deleted++;
        }

        return deleted;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stream?.Dispose();
        _stream = null;
        if (!_committed)
        {
            // Abandoned, or Commit failed part-way (say, the final name already existed).
            AtomicFile.DeleteIfExists(_tempPath);
        }
    }

    private FileStream ThrowIfClosed() =>
        _stream ?? throw new InvalidOperationException("The block was already committed or abandoned.");

    private void Write(ReadOnlySpan<byte> bytes)
    {
        _stream!.Write(bytes);
        _crc = Crc32C.Append(_crc, bytes);
        _position += bytes.Length;
    }
}
