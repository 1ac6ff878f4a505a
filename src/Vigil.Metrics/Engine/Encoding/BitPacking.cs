using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;

namespace Vigil.Metrics.Engine.Encoding;

/// <summary>
/// Integer sequences as the chunk codec stores them: zigzag-coded, then bit-packed in groups of 64 with one width
/// byte per group. A group of identical deltas (regular timestamps) costs one byte; a random walk costs its range
/// in bits. Per-group widths keep one outlier from widening the whole chunk.
/// </summary>
internal static class BitPacking
{
    public const int GroupSize = 64;

    /// <summary>Packs already zigzag-coded values.</summary>
    public static void Pack(IBufferWriter<byte> output, ReadOnlySpan<ulong> values)
    {
        for (var start = 0; start < values.Length; start += GroupSize)
        {
            var group = values.Slice(start, Math.Min(GroupSize, values.Length - start));
            ulong or = 0;
            foreach (var v in group)
            {
                or |= v;
            }
            var width = 64 - BitOperations.LeadingZeroCount(or);
            var bytes = (group.Length * width + 7) / 8;
            var span = output.GetSpan(1 + bytes + 8);
            span[0] = (byte)width;
            if (width > 0)
            {
                PackGroup(group, width, span.Slice(1, bytes + 8));
            }
            output.Advance(1 + bytes);
        }
    }

    private static void PackGroup(ReadOnlySpan<ulong> group, int width, Span<byte> dest)
    {
        dest.Clear();
        // 128-bit accumulator emulated with two words: flush whole 64-bit words as they fill.
        ulong acc = 0;
        var bits = 0;
        var pos = 0;
        foreach (var v in group)
        {
            acc |= v << bits;
            var total = bits + width;
            if (total >= 64)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(dest[pos..], acc);
                pos += 8;
                total -= 64;
                acc = total == 0 ? 0 : v >> (width - total);
            }
            bits = total;
        }
        if (bits > 0)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(dest[pos..], acc);
        }
    }

    /// <summary>Unpacks <paramref name="output"/>.Length zigzag-coded values written by <see cref="Pack"/>.</summary>
    public static void Unpack(ReadOnlySpan<byte> input, ref int offset, Span<ulong> output)
    {
        for (var start = 0; start < output.Length; start += GroupSize)
        {
            var group = output.Slice(start, Math.Min(GroupSize, output.Length - start));
            if ((uint)offset >= (uint)input.Length)
            {
                throw new InvalidDataException("Truncated bit-packed group in a metric chunk.");
            }
            var width = input[offset++];
            if (width > 64)
            {
                throw new InvalidDataException("Bad bit width in a metric chunk.");
            }
            if (width == 0)
            {
                group.Clear();
                continue;
            }
            var bytes = (group.Length * width + 7) / 8;
            if (offset + bytes > input.Length)
            {
                throw new InvalidDataException("Truncated bit-packed group in a metric chunk.");
            }
            UnpackGroup(input.Slice(offset, bytes), width, group);
            offset += bytes;
        }
    }

    private static void UnpackGroup(ReadOnlySpan<byte> src, int width, Span<ulong> group)
    {
        var mask = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
        long bitPos = 0;
        for (var i = 0; i < group.Length; i++, bitPos += width)
        {
            var byteIndex = (int)(bitPos >> 3);
            var shift = (int)(bitPos & 7);
            // Read up to 9 bytes safely near the end of the buffer.
            ulong lo = ReadUpTo8(src, byteIndex);
            var v = lo >> shift;
            if (shift + width > 64)
            {
                v |= (ulong)src[byteIndex + 8] << (64 - shift);
            }
            group[i] = v & mask;
        }
    }

    private static ulong ReadUpTo8(ReadOnlySpan<byte> src, int index)
    {
        if (index + 8 <= src.Length)
        {
            return BinaryPrimitives.ReadUInt64LittleEndian(src[index..]);
        }
        ulong v = 0;
        for (var i = 0; index + i < src.Length; i++)
        {
            v |= (ulong)src[index + i] << (8 * i);
        }
        return v;
    }
}
