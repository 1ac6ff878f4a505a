using System.Buffers.Binary;
using System.Globalization;
using Vigil.Storage.Checksums;

namespace Vigil.Storage.Wal;

/// <summary>
/// Byte layout of WAL segments (docs/formats/wal.md). Everything little-endian.
/// <code>
/// segment header (20 B): magic "VWAL" | version u8 | 3 reserved zero bytes | first LSN u64 | CRC32C u32 of bytes 0..15
/// record (9 B + payload): payload length u32 | CRC32C u32 of (type, payload) | type u8 | payload
/// </code>
/// </summary>
internal static class WalFormat
{
    public const byte Version = 1;
    public const int SegmentHeaderSize = 20;
    public const int RecordHeaderSize = 9;

    /// <summary>
    /// Hard format limit. WAL records are small (a PutMetricData batch is &lt; 1 MiB); the cap
    /// keeps a corrupt length field from asking recovery for gigabytes.
    /// </summary>
    public const int MaxPayloadBytes = 64 * 1024 * 1024;

    /// <summary>Record types 1..127 belong to callers; 0 and 128..255 are reserved for the format.</summary>
    public const byte MaxCallerType = 127;

    public const string SegmentExtension = ".wal";

    private const int NameDigits = 20;

    // "VWAL" read as a little-endian u32.
    private const uint Magic = 'V' | ('W' << 8) | ('A' << 16) | ((uint)'L' << 24);

    public static string SegmentFileName(long firstLsn) =>
        firstLsn.ToString("D20", CultureInfo.InvariantCulture) + SegmentExtension;

    /// <summary>Parses <c>NNNNNNNNNNNNNNNNNNNN.wal</c>; anything else in the directory is not ours.</summary>
    public static bool TryParseSegmentFileName(string fileName, out long firstLsn)
    {
        firstLsn = 0;
        if (fileName.Length != NameDigits + SegmentExtension.Length
            || !fileName.EndsWith(SegmentExtension, StringComparison.Ordinal))
        {
            return false;
        }

        var digits = fileName.AsSpan(0, NameDigits);
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out firstLsn) && firstLsn > 0;
    }

    public static void WriteSegmentHeader(Span<byte> destination, long firstLsn)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Magic);
        destination[4] = Version;
        destination[5] = 0;
        destination[6] = 0;
        destination[7] = 0;
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], firstLsn);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], Crc32C.Compute(destination[..16]));
    }

    /// <summary>
    /// False when the header is torn (short or CRC mismatch): the segment was being created when
    /// the process died and holds nothing acknowledged. A header whose CRC matches but whose
    /// magic or version is foreign is not torn — it throws so nothing gets truncated.
    /// </summary>
    public static bool TryReadSegmentHeader(ReadOnlySpan<byte> header, string path, out long firstLsn)
    {
        firstLsn = 0;
        if (header.Length < SegmentHeaderSize
            || BinaryPrimitives.ReadUInt32LittleEndian(header[16..]) != Crc32C.Compute(header[..16]))
        {
            return false;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic)
        {
            throw new StorageFormatException(path, StorageFormatError.BadMagic, "not a WAL segment");
        }

        if (header[4] != Version)
        {
            throw new StorageFormatException(
                path, StorageFormatError.UnsupportedVersion, $"WAL version {header[4]}, this build reads {Version}");
        }

        firstLsn = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        return true;
    }

    public static uint RecordCrc(byte type, ReadOnlySpan<byte> payload) => Crc32C.Append(Crc32C.Append(0, type), payload);

    public static void WriteRecordHeader(Span<byte> destination, int payloadLength, uint crc, byte type)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], crc);
        destination[8] = type;
    }
}
