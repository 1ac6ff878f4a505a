using System.Buffers.Binary;
using System.Numerics;

namespace Vigil.Logs.Engine.Encoding;

/// <summary>
/// A Bloom filter over every 3-byte window of a chunk's messages. A substring of three bytes or more can only occur
/// in the chunk if all its windows are in the filter, so a search for a phrase or term skips chunks that lack one;
/// shorter substrings always pass. Sized at about 4 bits per distinct window with one probe (≈ 22 % false positives
/// per window, so a phrase of n windows passes a chunk that lacks it with about 0.22^n).
/// </summary>
internal sealed class TrigramBloom
{
    private const int ScratchBits = 1 << 22;
    private const int SmallScratchBits = 1 << 18;
    private const int BitsPerWindow = 4;

    private readonly ulong[] _bits;
    private readonly int _mask;

    [ThreadStatic]
    private static ulong[]? t_scratch;
    [ThreadStatic]
    private static ulong[]? t_smallScratch;

    private TrigramBloom(ulong[] bits)
    {
        _bits = bits;
        _mask = (bits.Length * 64) - 1;
    }

    public int ByteSize => _bits.Length * 8;

    public static TrigramBloom Build(IEventColumns events, int from, int count)
    {
        // Set bits in a scratch filter first (no set of windows: chunks have millions of them), estimate the distinct
        // windows from its fill, then fold it down: with a power-of-two size and a masked hash, OR-ing the halves of a
        // filter gives exactly the filter of half the size. Most chunks need a filter far smaller than the largest
        // (the bench's logs: a few thousand distinct windows), so they are set in a 32 KiB scratch that stays in the
        // L1 cache; random bit writes into 512 KiB were most of this method's time. A chunk found to need more
        // (checked after a quarter of its events, and at the end) is done again in the large one.
        // Both scratches are kept per thread (a fresh one per chunk was large-object-heap garbage at every seal).
        var small = t_smallScratch ??= new ulong[SmallScratchBits / 64];
        var quarter = from + (count / 4);
        if (TargetBits(SetWindows(events, from, quarter, small, clear: true)) < SmallScratchBits
            && TargetBits(SetWindows(events, quarter, from + count, small, clear: false)) is var bits && bits < SmallScratchBits)
        {
            return Fold(small, bits);
        }

        var large = t_scratch ??= new ulong[ScratchBits / 64];
        SetWindows(events, from, from + count, large, clear: true);
        return Fold(large, TargetBits(large));
    }

    /// <summary>Sets the bit of every window of events [from, to) in <paramref name="scratch"/>; returns it.</summary>
    private static ulong[] SetWindows(IEventColumns events, int from, int to, ulong[] scratch, bool clear)
    {
        if (clear)
        {
            Array.Clear(scratch);
        }

        var mask = (scratch.Length * 64) - 1;
        for (var i = from; i < to; i++)
        {
            var m = events.Message(i);
            if (m.Length < 3)
            {
                continue;
            }

            // A rolling window: each byte shifts in once instead of three reads per position.
            var window = ((uint)m[0] << 8) | ((uint)m[1] << 16);
            for (var j = 2; j < m.Length; j++)
            {
                window = (window >> 8) | ((uint)m[j] << 16);
                var h = Probe(window) & mask;
                scratch[h >> 6] |= 1UL << h;
            }
        }

        return scratch;
    }

    /// <summary>The filter size for the distinct windows that the scratch's fill implies, at most the scratch's.</summary>
    private static int TargetBits(ulong[] scratch)
    {
        long set = 0;
        foreach (var word in scratch)
        {
            set += BitOperations.PopCount(word);
        }

        // Fill f = 1 - e^(-n/m) gives n = -m ln(1 - f); the target is about BitsPerWindow bits per distinct window.
        var size = scratch.Length * 64;
        var fill = Math.Min(set / (double)size, 0.999);
        var distinct = -size * Math.Log(1 - fill);
        return (int)Math.Clamp(BitOperations.RoundUpToPowerOf2((uint)Math.Max(64, distinct * BitsPerWindow)), 64, size);
    }

    /// <summary>Folds <paramref name="scratch"/> down to <paramref name="bits"/> (a power of two no larger).</summary>
    private static TrigramBloom Fold(ulong[] scratch, int bits)
    {
        var words = scratch.AsSpan();
        while (words.Length * 64 > bits)
        {
            var half = words.Length / 2;
            for (var i = 0; i < half; i++)
            {
                words[i] |= words[half + i];
            }

            words = words[..half];
        }

        return new TrigramBloom(words.ToArray());
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
            var h = Probe(Window(needle, j)) & _mask;
            if ((_bits[h >> 6] & (1UL << h)) == 0)
            {
                return false;
            }
        }

        return true;
    }

    private static uint Window(ReadOnlySpan<byte> s, int j) => s[j] | ((uint)s[j + 1] << 8) | ((uint)s[j + 2] << 16);

    private static int Probe(uint window) => (int)((window * 0x9E3779B97F4A7C15UL) >> 40);
}
