namespace Vigil.Protocol.Codecs.EventStream;

/// <summary>
/// CRC-32 with the IEEE 802.3 / zlib polynomial (reflected 0xEDB88320), which the event-stream framing uses for both
/// of its checksums. Not CRC-32C: the storage WAL's hardware CRC is the wrong one here. Table-driven, one byte a
/// step; an event of a few KB a second does not need slicing-by-8. Thread-safe (the table is read-only).
/// </summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC of <paramref name="data"/>, continuing from <paramref name="crc"/> as zlib's crc32(crc, buf) does.</summary>
    public static uint Compute(ReadOnlySpan<byte> data, uint crc = 0)
    {
        crc = ~crc;
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }
        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            table[i] = c;
        }
        return table;
    }
}
