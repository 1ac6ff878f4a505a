using System.Buffers.Binary;
using System.Numerics;

namespace Vigil.Logs.Engine.Encoding;

/// <summary>
/// A Bloom filter over every 3-byte window of a chunk's messages. A substring of three bytes or more can only occur
/// in the chunk if all its windows are in the filter, so a search for a phrase or term skips chunks that lack one;
/// shorter substrings always pass. Sized at about 8 bits per distinct window, two probes (≈ 5 % false positives per
/// window, far less for a whole phrase).
/// </summary>
internal sealed class TrigramBloom
{
    private readonly ulong[] _bits;
    private readonly int _mask;

    private TrigramBloom(ulong[] bits)
    {
        _bits = bits;
        _mask = (bits.Length * 64) - 1;
    }

    public int ByteSize => _bits.Length * 8;

    public static TrigramBloom Build(IEventColumns events, int from, int count)
    {
        var distinct = new HashSet<uint>();
        for (var i = from; i < from + count; i++)
        {
            var m = events.Message(i);
            for (var j = 0; j + 3 <= m.Length; j++)
            {
                distinct.Add(Window(m, j));
            }
        }

        var words = (int)Math.Max(1, BitOperations.RoundUpToPowerOf2((uint)Math.Max(64, distinct.Count * 8)) / 64);
        var bloom = new TrigramBloom(new ulong[words]);
        foreach (var w in distinct)
        {
            bloom.Add(w);
        }

        return bloom;
    }

    public static TrigramBloom Read(ReadOnlySpan<byte> bytes)
    {
        var bits = new ulong[bytes.Length / 8];
        for (var i = 0; i < bits.Length; i++)
        {
            bits[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes[(i * 8)..]);
        }

        return new TrigramBloom(bits);
    }

    public void WriteTo(Span<byte> destination)
    {
        for (var i = 0; i < _bits.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination[(i * 8)..], _bits[i]);
        }
    }

    /// <summary>False when <paramref name="needle"/> (UTF-8) cannot occur in any message of the chunk.</summary>
    public bool MayContain(ReadOnlySpan<byte> needle)
    {
        for (var j = 0; j + 3 <= needle.Length; j++)
        {
            var w = Window(needle, j);
            var (a, b) = Probes(w);
            if ((_bits[a >> 6] & (1UL << a)) == 0 || (_bits[b >> 6] & (1UL << b)) == 0)
            {
                return false;
            }
        }

        return true;
    }

    private void Add(uint window)
    {
        var (a, b) = Probes(window);
        _bits[a >> 6] |= 1UL << a;
        _bits[b >> 6] |= 1UL << b;
    }

    private static uint Window(ReadOnlySpan<byte> s, int j) => s[j] | ((uint)s[j + 1] << 8) | ((uint)s[j + 2] << 16);

    private (int A, int B) Probes(uint window)
    {
        // Two independent multiplicative hashes of the 24-bit window.
        var h1 = (int)((window * 0x9E3779B97F4A7C15UL) >> 32) & _mask;
        var h2 = (int)((window * 0xC2B2AE3D27D4EB4FUL) >> 32) & _mask;
        return (h1, h2);
    }
}
