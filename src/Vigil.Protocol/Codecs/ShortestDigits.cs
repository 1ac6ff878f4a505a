using System.Numerics;

namespace Vigil.Protocol.Codecs;

/// <summary>
/// The shortest decimal digits that read back as a given double — of several, the one nearest the double — by Ulf
/// Adams' Ryū algorithm (PLDI 2018): the double's interval of rounding is scaled by one precomputed 125-bit power of
/// five (three 64×128-bit products), and digits are dropped while the interval still tells them apart. This is what
/// the BCL's shortest round-trip formatting gives, without its big-number digit generation; sums and averages of
/// metric values (which are rarely short decimals) are most of what it formats.
/// </summary>
internal static class ShortestDigits
{
    private const int MantissaBits = 52;
    private const int ExponentBias = 1023;
    private const int Pow5BitCount = 125;
    private const int Pow5InverseBitCount = 125;
    private const int Pow5TableSize = 326;
    private const int Pow5InverseTableSize = 342;

    // 5^i scaled to exactly 125 bits, and 2^(bits(5^q) - 1 + 125) / 5^q + 1; as (low, high) pairs. Computed once here
    // rather than carried as literal tables.
    private static readonly ulong[] s_pow5 = Table(Pow5TableSize, inverse: false);
    private static readonly ulong[] s_pow5Inverse = Table(Pow5InverseTableSize, inverse: true);

    /// <summary>
    /// Digits d and exponent e with d · 10^e the shortest decimal that reads back as <paramref name="value"/>, which
    /// must be finite and greater than zero.
    /// </summary>
    public static (ulong Digits, int Exponent) Of(double value)
    {
        var bits = (ulong)BitConverter.DoubleToInt64Bits(value);
        var ieeeMantissa = bits & ((1UL << MantissaBits) - 1);
        var ieeeExponent = (int)(bits >> MantissaBits) & 0x7FF;
        int e2;
        ulong m2;
        if (ieeeExponent == 0)
        {
            e2 = 1 - ExponentBias - MantissaBits - 2;
            m2 = ieeeMantissa;
        }
        else
        {
            e2 = ieeeExponent - ExponentBias - MantissaBits - 2;
            m2 = (1UL << MantissaBits) | ieeeMantissa;
        }
        // Round-half-even on reading: an even mantissa owns the edges of its interval.
        var acceptBounds = (m2 & 1) == 0;
        var mv = 4 * m2;
        // The interval is narrower below a power of two (except for the smallest exponents).
        var mmShift = ieeeMantissa != 0 || ieeeExponent <= 1 ? 1u : 0u;

        ulong vr, vp, vm;
        int e10;
        var vmIsTrailingZeros = false;
        var vrIsTrailingZeros = false;
        if (e2 >= 0)
        {
            var q = Log10Pow2(e2) - (e2 > 3 ? 1 : 0);
            e10 = q;
            var k = Pow5InverseBitCount + Pow5Bits(q) - 1;
            var i = -e2 + q + k;
            vr = MulShift(4 * m2, s_pow5Inverse, q, i);
            vp = MulShift(4 * m2 + 2, s_pow5Inverse, q, i);
            vm = MulShift(4 * m2 - 1 - mmShift, s_pow5Inverse, q, i);
            if (q <= 21)
            {
                // Only then can the scaled values be exact (all dropped digits zero): 5^q must divide them.
                if (mv % 5 == 0)
                {
                    vrIsTrailingZeros = MultipleOfPowerOf5(mv, q);
                }
                else if (acceptBounds)
                {
                    vmIsTrailingZeros = MultipleOfPowerOf5(mv - 1 - mmShift, q);
                }
                else
                {
                    vp -= MultipleOfPowerOf5(mv + 2, q) ? 1UL : 0;
                }
            }
        }
        else
        {
            var q = Log10Pow5(-e2) - (-e2 > 1 ? 1 : 0);
            e10 = q + e2;
            var i = -e2 - q;
            var k = Pow5Bits(i) - Pow5BitCount;
            var j = q - k;
            vr = MulShift(4 * m2, s_pow5, i, j);
            vp = MulShift(4 * m2 + 2, s_pow5, i, j);
            vm = MulShift(4 * m2 - 1 - mmShift, s_pow5, i, j);
            if (q <= 1)
            {
                // mv has at least q trailing zero bits, so the dropped part is zero.
                vrIsTrailingZeros = true;
                if (acceptBounds)
                {
                    vmIsTrailingZeros = mmShift == 1;
                }
                else
                {
                    vp--;
                }
            }
            else if (q < 63)
            {
                vrIsTrailingZeros = (mv & ((1UL << q) - 1)) == 0;
            }
        }

        var removed = 0;
        ulong output;
        if (vmIsTrailingZeros || vrIsTrailingZeros)
        {
            // The rare general case: track whether everything dropped was zero, for exact ties and open bounds.
            // Digits go while the bounds still differ above them; then, when the lower bound is exact and may be
            // taken, while it ends in zeros (once the first condition fails it cannot hold again).
            var lastRemovedDigit = 0;
            while (vp / 10 > vm / 10 || (vmIsTrailingZeros && vm % 10 == 0))
            {
                vmIsTrailingZeros &= vm % 10 == 0;
                vrIsTrailingZeros &= lastRemovedDigit == 0;
                lastRemovedDigit = (int)(vr % 10);
                vr /= 10;
                vp /= 10;
                vm /= 10;
                removed++;
            }
            if (vrIsTrailingZeros && lastRemovedDigit == 5 && vr % 2 == 0)
            {
                // An exact tie (…50…0) rounds to even.
                lastRemovedDigit = 4;
            }
            output = vr + ((vr == vm && (!acceptBounds || !vmIsTrailingZeros)) || lastRemovedDigit >= 5 ? 1UL : 0);
        }
        else
        {
            var roundUp = false;
            if (vp / 100 > vm / 100)
            {
                // Two digits at a time first: most doubles shed several.
                roundUp = vr % 100 >= 50;
                vr /= 100;
                vp /= 100;
                vm /= 100;
                removed += 2;
            }
            while (vp / 10 > vm / 10)
            {
                roundUp = vr % 10 >= 5;
                vr /= 10;
                vp /= 10;
                vm /= 10;
                removed++;
            }
            output = vr + (vr == vm || roundUp ? 1UL : 0);
        }
        return (output, e10 + removed);
    }

    /// <summary>(m · table[index]) >> shift, with table[index] a 128-bit (low, high) pair and shift in (64, 128).</summary>
    private static ulong MulShift(ulong m, ulong[] table, int index, int shift)
    {
        var lowHigh = Math.BigMul(m, table[2 * index], out _);
        var high = Math.BigMul(m, table[2 * index + 1], out var low);
        var sum = new UInt128(high, low) + lowHigh;
        return (ulong)(sum >> (shift - 64));
    }

    /// <summary>floor(log10(2^e)) for 0 ≤ e ≤ 1650.</summary>
    private static int Log10Pow2(int e) => (int)(((uint)e * 78913) >> 18);

    /// <summary>floor(log10(5^e)) for 0 ≤ e ≤ 2620.</summary>
    private static int Log10Pow5(int e) => (int)(((uint)e * 732923) >> 20);

    /// <summary>ceil(log2(5^e)) for 1 ≤ e ≤ 3528 (1 for e = 0).</summary>
    private static int Pow5Bits(int e) => (int)(((uint)e * 1217359) >> 19) + 1;

    private static bool MultipleOfPowerOf5(ulong value, int p)
    {
        var count = 0;
        while (value % 5 == 0 && value != 0)
        {
            value /= 5;
            count++;
        }
        return count >= p;
    }

    private static ulong[] Table(int size, bool inverse)
    {
        var table = new ulong[2 * size];
        var pow5 = BigInteger.One;
        var mask = (BigInteger.One << 64) - 1;
        for (var i = 0; i < size; i++, pow5 *= 5)
        {
            var length = (int)pow5.GetBitLength();
            BigInteger entry;
            if (inverse)
            {
                entry = (BigInteger.One << (length - 1 + Pow5InverseBitCount)) / pow5 + 1;
            }
            else
            {
                entry = length >= Pow5BitCount ? pow5 >> (length - Pow5BitCount) : pow5 << (Pow5BitCount - length);
            }
            table[2 * i] = (ulong)(entry & mask);
            table[2 * i + 1] = (ulong)(entry >> 64);
        }
        return table;
    }
}
