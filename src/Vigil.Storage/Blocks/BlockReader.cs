using System.Buffers.Binary;
using Vigil.Storage.Checksums;

namespace Vigil.Storage.Blocks;

/// <summary>
/// A verified, read-only view of one block file, held in memory (blocks are written once and
/// read whole by queries, so one read beats many small ones; memory-mapping is a later
/// optimisation for blocks larger than memory). <see cref="Open"/> checks the magic, the
/// CRC over the whole file, the version and the index before handing anything out; any
/// failure is a <see cref="StorageFormatException"/>. Immutable and thread-safe.
/// </summary>
public sealed class BlockReader
{
    private readonly byte[] _bytes;
    private readonly BlockSection[] _sections;

    private BlockReader(string path, byte[] bytes, BlockSection[] sections)
    {
        Path = path;
        _bytes = bytes;
        _sections = sections;
    }

    public string Path { get; }

    /// <summary>Sections in the order they were written.</summary>
    public IReadOnlyList<BlockSection> Sections => _sections;

    /// <summary>Reads and verifies the block at <paramref name="path"/>. Blocks are limited to 2 GiB (one array).</summary>
    public static BlockReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return Parse(path, File.ReadAllBytes(path));
    }

    /// <summary>The section's bytes; false when the block has no section <paramref name="id"/>.</summary>
    public bool TryGetSection(uint id, out ReadOnlyMemory<byte> data)
    {
        // Linear: blocks carry a handful of sections (index, chunks, postings, symbols).
        foreach (var section in _sections)
        {
            if (section.Id == id)
            {
                data = _bytes.AsMemory((int)section.Offset, (int)section.Length);
                return true;
            }
        }

        data = default;
        return false;
    }

    /// <summary>The section's bytes; throws <see cref="KeyNotFoundException"/> when absent.</summary>
    public ReadOnlySpan<byte> GetSection(uint id) =>
        TryGetSection(id, out var data) ? data.Span : throw new KeyNotFoundException($"Block '{Path}' has no section {id}.");

    internal static BlockReader Parse(string path, byte[] bytes)
    {
        var length = bytes.Length;
        if (length < BlockFormat.MinimumSize)
        {
            throw Corrupt(path, StorageFormatError.Truncated, $"{length} bytes is shorter than the smallest block");
        }

        ReadOnlySpan<byte> file = bytes;
        if (BinaryPrimitives.ReadUInt32LittleEndian(file) != BlockFormat.Magic
            || BinaryPrimitives.ReadUInt32LittleEndian(file[(length - 8)..]) != BlockFormat.Magic)
        {
            throw Corrupt(path, StorageFormatError.BadMagic, "not a block file, or its end is missing");
        }

        // The CRC is the last 4 bytes in every version, so it is checked before the version:
        // a flipped version byte reads as corruption, not as a newer format.
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(file[(length - 4)..]);
        var actual = Crc32C.Compute(file[..(length - 4)]);
        if (stored != actual)
        {
            throw Corrupt(path, StorageFormatError.ChecksumMismatch, $"stored CRC {stored:X8}, computed {actual:X8}");
        }

        if (file[4] != BlockFormat.Version)
        {
            throw Corrupt(path, StorageFormatError.UnsupportedVersion, $"block version {file[4]}, this build reads {BlockFormat.Version}");
        }

        return new BlockReader(path, bytes, ParseIndex(path, file));
    }

    private static BlockSection[] ParseIndex(string path, ReadOnlySpan<byte> file)
    {
        var trailerStart = file.Length - BlockFormat.TrailerSize;
        var indexOffset = BinaryPrimitives.ReadInt64LittleEndian(file[trailerStart..]);
        if (indexOffset < BlockFormat.HeaderSize || indexOffset > trailerStart - 4)
        {
            throw Corrupt(path, StorageFormatError.InvalidLayout, $"index offset {indexOffset} outside the file");
        }

        var index = file[(int)indexOffset..trailerStart];
        var count = BinaryPrimitives.ReadUInt32LittleEndian(index);
        if (4 + ((long)count * BlockFormat.IndexEntrySize) != index.Length)
        {
            throw Corrupt(path, StorageFormatError.InvalidLayout, $"index of {index.Length} bytes cannot hold {count} sections");
        }

        var sections = new BlockSection[count];
        for (var i = 0; i < sections.Length; i++)
        {
            var entry = index.Slice(4 + (i * BlockFormat.IndexEntrySize), BlockFormat.IndexEntrySize);
            var section = new BlockSection(
                BinaryPrimitives.ReadUInt32LittleEndian(entry),
                BinaryPrimitives.ReadInt64LittleEndian(entry[4..]),
                BinaryPrimitives.ReadInt64LittleEndian(entry[12..]));
            if (section.Offset < BlockFormat.HeaderSize || section.Length < 0 || section.Offset > indexOffset - section.Length)
            {
                throw Corrupt(path, StorageFormatError.InvalidLayout, $"section {section.Id} lies outside the data area");
            }

            for (var j = 0; j < i; j++)
            {
                if (sections[j].Id == section.Id)
                {
                    throw Corrupt(path, StorageFormatError.InvalidLayout, $"section {section.Id} appears twice");
                }
            }

            sections[i] = section;
        }

        return sections;
    }

    private static StorageFormatException Corrupt(string path, StorageFormatError error, string detail) => new(path, error, detail);
}
