using System.Buffers.Binary;

namespace Vigil.Storage.Blocks;

/// <summary>
/// Byte layout of block files (docs/formats/block.md). Everything little-endian.
/// <code>
/// header (8 B)   magic "VBLK" | version u8 | 3 reserved zero bytes
/// sections       the caller's bytes, back to back, in the order added
/// index          count u32 | count × (id u32, offset u64, length u64)
/// trailer (16 B) index offset u64 | magic "VBLK" | CRC32C u32 of every byte before it
/// </code>
/// </summary>
internal static class BlockFormat
{
    public const byte Version = 1;
    public const int HeaderSize = 8;
    public const int IndexEntrySize = 20;
    public const int TrailerSize = 16;

    /// <summary>An empty block: header, a zero count, trailer.</summary>
    public const int MinimumSize = HeaderSize + 4 + TrailerSize;

    // "VBLK" read as a little-endian u32.
    public const uint Magic = 'V' | ('B' << 8) | ('L' << 16) | ((uint)'K' << 24);

    public static void WriteHeader(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Magic);
        destination[4] = Version;
        destination[5..HeaderSize].Clear();
    }

    public static void WriteIndexEntry(Span<byte> destination, BlockSection section)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, section.Id);
        BinaryPrimitives.WriteInt64LittleEndian(destination[4..], section.Offset);
        BinaryPrimitives.WriteInt64LittleEndian(destination[12..], section.Length);
    }

    /// <summary>Trailer minus the CRC, which covers these 12 bytes too.</summary>
    public static void WriteTrailerPrefix(Span<byte> destination, long indexOffset)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, indexOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], Magic);
    }
}

/// <summary>Where one section lives in a block file.</summary>
/// <param name="Id">Caller-chosen id, unique within the block.</param>
/// <param name="Offset">Byte offset of the section's first byte in the file.</param>
/// <param name="Length">Section length in bytes.</param>
public readonly record struct BlockSection(uint Id, long Offset, long Length);
