using System.Buffers.Binary;

namespace Vigil.Storage.Checksums;

/// <summary>
/// Table-driven CRC-32C for CPUs without the instruction. Slicing-by-8: eight 256-entry
/// tables (8 KiB) let one iteration fold 8 input bytes, ~4x faster than the one-table loop.
/// Works on the raw (non-inverted) register; <see cref="Crc32C"/> does the inversion.
/// </summary>
internal static class Crc32CSoftware
{
    private const uint Polynomial = 0x82F63B78; // Castagnoli, bit-reflected.

    private static readonly uint[] s_table = BuildTable();

    public static uint Update(uint state, ReadOnlySpan<byte> data)
    {
        var table = s_table;
        var offset = 0;
        for (; offset + 8 <= data.Length; offset += 8)
        {
            var low = BinaryPrimitives.ReadUInt32LittleEndian(data[offset..]) ^ state;
            var high = BinaryPrimitives.ReadUInt32LittleEndian(data[(offset + 4)..]);
            state = table[(7 * 256) + (low & 0xFF)]
                ^ table[(6 * 256) + ((low >> 8) & 0xFF)]
                ^ table[(5 * 256) + ((low >> 16) & 0xFF)]
                ^ table[(4 * 256) + (low >> 24)]
                ^ table[(3 * 256) + (high & 0xFF)]
                ^ table[(2 * 256) + ((high >> 8) & 0xFF)]
                ^ table[(1 * 256) + ((high >> 16) & 0xFF)]
                ^ table[high >> 24];
        }

        for (; offset < data.Length; offset++)
        {
            state = table[(state ^ data[offset]) & 0xFF] ^ (state >> 8);
        }

        return state;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            var crc = i;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ Polynomial : crc >> 1;
            }

            table[i] = crc;
        }

        // table[k][i] is the CRC of byte i followed by k zero bytes.
        for (var slice = 1; slice < 8; slice++)
        {
            for (var i = 0; i < 256; i++)
            {
                var previous = table[((slice - 1) * 256) + i];
                table[(slice * 256) + i] = (previous >> 8) ^ table[previous & 0xFF];
            }
        }

        return table;
    }
}
