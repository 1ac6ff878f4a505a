using System.Buffers.Binary;
using System.Buffers;
using Vigil.Storage.Binary;

namespace Vigil.Metrics.Statistics;

/// <summary>
/// A mergeable quantile sketch with relative error (DDSketch-style): every value lands in a logarithmic bucket
/// (γ^(i−1), γ^i] with γ = (1+α)/(1−α), α = <see cref="RelativeAccuracy"/>, and is read back as the bucket's
/// representative 2γ^i/(γ+1), which is within α of every value in the bucket. Rollup cells keep one per period.
/// </summary>
/// <remarks>
/// <para>Positive and negative values have their own bucket stores (indexed by magnitude); exact zeros (and values
/// below the smallest normal double) have a counter. Weights may be fractional. <see cref="Quantile"/> uses the same
/// nearest-rank rule as <see cref="SampleSet"/>, so a sketch quantile is within α of the exact one as long as no
/// bucket was collapsed.</para>
/// <para>Memory is bounded: each store spans at most <see cref="MaxBuckets"/> consecutive indexes (a magnitude ratio of
/// about 10^17 at α = 0.5 %); beyond that the lowest-magnitude buckets are folded into the lowest kept one, so only
/// the smallest magnitudes lose accuracy.</para>
/// <para>Binary form (<see cref="WriteTo"/>): version byte, flag byte (bit 0: all counts are integers, written as
/// varints; otherwise 8-byte doubles), the zero count, then the negative and positive stores, each a varint
/// number of non-empty buckets followed by (index delta, count) pairs; the first index is zigzag-coded, later deltas
/// are positive varints. 1,000 latency-like samples take roughly 0.5–1 KB.</para>
/// </remarks>
public sealed class RelativeErrorSketch
{
    /// <summary>α: every quantile is within this fraction of the exact sample value.</summary>
    public const double RelativeAccuracy = 0.005;

    /// <summary>The most consecutive bucket indexes one sign's store keeps.</summary>
    public const int MaxBuckets = 4096;

    // |index| of any finite double is below 71,000 (ln(double.MaxValue) / ln γ); anything beyond is corrupt input.
    private const long MaxIndexMagnitude = 1 << 17;

    private const byte FormatVersion = 1;
    private const byte IntegralCounts = 1;

    // γ = (1+α)/(1−α); ln γ ≈ 0.0100003.
    private static readonly double LogGamma = Math.Log((1 + RelativeAccuracy) / (1 - RelativeAccuracy));
    private static readonly double InvLogGamma = 1 / LogGamma;
    private static readonly double Gamma = Math.Exp(LogGamma);

    private readonly BucketStore _positive = new();
    private readonly BucketStore _negative = new();
    private double _zero;

    /// <summary>Total weight added.</summary>
    public double Count => _positive.Total + _negative.Total + _zero;

    public bool IsEmpty => Count == 0;

    /// <summary>Number of non-empty buckets (plus one for zeros), the unit of memory and encoded size.</summary>
    public int BucketCount => _positive.NonEmpty() + _negative.NonEmpty() + (_zero > 0 ? 1 : 0);

    /// <summary>Adds <paramref name="value"/> with <paramref name="weight"/> (a weight of 0 adds nothing).</summary>
    public void Add(double value, double weight = 1)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Sketch values must be finite.");
        }
        if (!double.IsFinite(weight) || weight < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "Weights must be finite and not negative.");
        }
        if (weight == 0)
        {
            return;
        }
        if (value >= SmallestNormal)
        {
            _positive.Add(Index(value), weight);
        }
        else if (value <= -SmallestNormal)
        {
            _negative.Add(Index(-value), weight);
        }
        else
        {
            _zero += weight;
        }
    }

    /// <summary>Adds every bucket of <paramref name="other"/> (same α by construction).</summary>
    public void Merge(RelativeErrorSketch other)
    {
        ArgumentNullException.ThrowIfNull(other);
        _positive.MergeFrom(other._positive);
        _negative.MergeFrom(other._negative);
        _zero += other._zero;
    }

    public void Clear()
    {
        _positive.Clear();
        _negative.Clear();
        _zero = 0;
    }

    /// <summary>
    /// The value at nearest rank ceil(q·Count), q in [0, 1] (0 = smallest, 1 = largest), within α relative of the
    /// exact sample value; NaN when empty.
    /// </summary>
    public double Quantile(double q)
    {
        if (!(q >= 0 && q <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "The quantile must be between 0 and 1.");
        }
        var total = Count;
        if (total == 0)
        {
            return double.NaN;
        }
        var target = q * total - 1e-9 * Math.Max(1, total); // nearest rank, as RankedStatistics.RankIndex
        var cumulative = 0.0;
        for (var i = _negative.High; i >= _negative.Low; i--)
        {
            cumulative += _negative.At(i);
            if (_negative.At(i) > 0 && cumulative >= target)
            {
                return -Representative(i);
            }
        }
        cumulative += _zero;
        if (_zero > 0 && cumulative >= target)
        {
            return 0;
        }
        for (var i = _positive.Low; i <= _positive.High; i++)
        {
            cumulative += _positive.At(i);
            if (_positive.At(i) > 0 && cumulative >= target)
            {
                return Representative(i);
            }
        }
        // Rounding left the target a hair above the total: the answer is the largest bucket.
        return _positive.NonEmpty() > 0 ? Representative(_positive.High)
            : _zero > 0 ? 0 : -Representative(_negative.Low);
    }

    /// <summary>
    /// Writes the buckets in ascending value order as (representative, weight) pairs; returns how many were
    /// written. The spans need <see cref="BucketCount"/> slots.
    /// </summary>
    internal int CopyOrdered(Span<double> values, Span<double> weights)
    {
        var n = 0;
        for (var i = _negative.High; i >= _negative.Low; i--)
        {
            if (_negative.At(i) > 0)
            {
                values[n] = -Representative(i);
                weights[n++] = _negative.At(i);
            }
        }
        if (_zero > 0)
        {
            values[n] = 0;
            weights[n++] = _zero;
        }
        for (var i = _positive.Low; i <= _positive.High; i++)
        {
            if (_positive.At(i) > 0)
            {
                values[n] = Representative(i);
                weights[n++] = _positive.At(i);
            }
        }
        return n;
    }

    /// <summary>Appends the compact binary form (see the type's remarks).</summary>
    public void WriteTo(IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var integral = IsIntegral(_zero) && _positive.AllIntegral() && _negative.AllIntegral();
        var header = writer.GetSpan(2 + Varint.MaxLength);
        header[0] = FormatVersion;
        header[1] = integral ? IntegralCounts : (byte)0;
        writer.Advance(2);
        WriteCount(writer, _zero, integral);
        _negative.WriteTo(writer, integral);
        _positive.WriteTo(writer, integral);
    }

    /// <summary>Reads a sketch written by <see cref="WriteTo"/>; the whole span must be one sketch.</summary>
    public static RelativeErrorSketch ReadFrom(ReadOnlySpan<byte> data)
    {
        var sketch = ReadFrom(data, out var read);
        return read == data.Length ? sketch : throw new InvalidDataException("Trailing bytes after the sketch.");
    }

    /// <summary>Reads a sketch from the start of <paramref name="data"/>; <paramref name="bytesRead"/> says where it ended.</summary>
    public static RelativeErrorSketch ReadFrom(ReadOnlySpan<byte> data, out int bytesRead)
    {
        if (data.Length < 2 || data[0] != FormatVersion || (data[1] & ~IntegralCounts) != 0)
        {
            throw new InvalidDataException("Not a version-1 relative-error sketch.");
        }
        var integral = (data[1] & IntegralCounts) != 0;
        var pos = 2;
        var sketch = new RelativeErrorSketch { _zero = ReadCount(data, ref pos, integral) };
        sketch._negative.ReadFrom(data, ref pos, integral);
        sketch._positive.ReadFrom(data, ref pos, integral);
        bytesRead = pos;
        return sketch;
    }

    // Smallest normal double: magnitudes below it are indexed as zero (their log would leave the int range).
    private const double SmallestNormal = 2.2250738585072014E-308;

    private static int Index(double magnitude) => (int)Math.Ceiling(Math.Log(magnitude) * InvLogGamma);

    private static double Representative(int index) => 2 * Math.Exp(index * LogGamma) / (Gamma + 1);

    internal static bool IsIntegral(double count) => count == Math.Floor(count) && count < 9007199254740992.0;

    internal static void WriteCount(IBufferWriter<byte> writer, double count, bool integral)
    {
        if (integral)
        {
            Varint.Write(writer, (ulong)count);
        }
        else
        {
            BinaryPrimitives.WriteDoubleLittleEndian(writer.GetSpan(8), count);
            writer.Advance(8);
        }
    }

    internal static double ReadCount(ReadOnlySpan<byte> data, ref int pos, bool integral)
    {
        double count;
        if (integral)
        {
            count = Varint.Read(data, ref pos);
        }
        else
        {
            if (data.Length - pos < 8)
            {
                throw new InvalidDataException("Truncated sketch count.");
            }
            count = BinaryPrimitives.ReadDoubleLittleEndian(data[pos..]);
            pos += 8;
        }
        return double.IsFinite(count) && count >= 0 ? count : throw new InvalidDataException("Invalid sketch count.");
    }

    /// <summary>
    /// Counts per bucket index for one sign, kept in a dense array around the occupied range [Low, High] and capped
    /// at <see cref="MaxBuckets"/> consecutive indexes.
    /// </summary>
    private sealed class BucketStore
    {
        private double[] _counts = [];
        private int _offset; // bucket index of _counts[0]

        public int Low { get; private set; } = 1;
        public int High { get; private set; }
        public double Total { get; private set; }

        public double At(int index) => _counts[index - _offset];

        public int NonEmpty()
        {
            var n = 0;
            for (var i = Low; i <= High; i++)
            {
                if (At(i) > 0)
                {
                    n++;
                }
            }
            return n;
        }

        public bool AllIntegral()
        {
            for (var i = Low; i <= High; i++)
            {
                if (!IsIntegral(At(i)))
                {
                    return false;
                }
            }
            return true;
        }

        public void Clear()
        {
            Array.Clear(_counts);
            Low = 1;
            High = 0;
            Total = 0;
        }

        public void Add(int index, double weight)
        {
            if (Low > High)
            {
                Ensure(index, index);
                Low = High = index;
            }
            else if (index < Low)
            {
                // Too far below the top: fold into the lowest bucket the cap allows.
                index = Math.Max(index, High - MaxBuckets + 1);
                Ensure(index, High);
                Low = index;
            }
            else if (index > High)
            {
                var newLow = Math.Max(Low, index - MaxBuckets + 1);
                if (newLow > Low)
                {
                    Collapse(newLow);
                }
                Ensure(Low, index);
                High = index;
            }
            _counts[index - _offset] += weight;
            Total += weight;
        }

        public void MergeFrom(BucketStore other)
        {
            for (var i = other.Low; i <= other.High; i++)
            {
                var w = other.At(i);
                if (w > 0)
                {
                    Add(i, w);
                }
            }
        }

        public void WriteTo(IBufferWriter<byte> writer, bool integral)
        {
            Varint.Write(writer, (ulong)NonEmpty());
            var first = true;
            var previous = 0;
            for (var i = Low; i <= High; i++)
            {
                var w = At(i);
                if (w <= 0)
                {
                    continue;
                }
                // Zigzag only the first index (it may be negative); later ones only grow.
                Varint.Write(writer, first ? Varint.ZigZag(i) : (ulong)(i - previous));
                WriteCount(writer, w, integral);
                first = false;
                previous = i;
            }
        }

        public void ReadFrom(ReadOnlySpan<byte> data, ref int pos, bool integral)
        {
            var n = Varint.Read(data, ref pos);
            if (n > MaxBuckets)
            {
                throw new InvalidDataException("Too many sketch buckets.");
            }
            long index = 0;
            long low = 0;
            for (var k = 0UL; k < n; k++)
            {
                var raw = Varint.Read(data, ref pos);
                index = k == 0 ? Varint.UnZigZag(raw) : index + (long)Math.Min(raw, MaxIndexMagnitude * 4);
                if (k == 0)
                {
                    low = index;
                }
                if (index > MaxIndexMagnitude || index < -MaxIndexMagnitude || (k > 0 && raw == 0) || index - low >= MaxBuckets)
                {
                    throw new InvalidDataException("Invalid sketch bucket index.");
                }
                var w = ReadCount(data, ref pos, integral);
                if (w == 0)
                {
                    throw new InvalidDataException("Empty sketch bucket.");
                }
                Add((int)index, w);
            }
        }

        // Folds every bucket below newLow into newLow.
        private void Collapse(int newLow)
        {
            var folded = 0.0;
            for (var i = Low; i < newLow && i <= High; i++)
            {
                folded += At(i);
                _counts[i - _offset] = 0;
            }
            High = Math.Max(High, newLow);
            Low = newLow;
            Ensure(Low, High);
            _counts[newLow - _offset] += folded;
        }

        // Makes the array cover [low, high], recentering or growing it.
        private void Ensure(int low, int high)
        {
            if (_counts.Length > 0 && low >= _offset && high < _offset + _counts.Length)
            {
                return;
            }
            var occupiedLow = Low <= High ? Math.Min(Low, low) : low;
            var occupiedHigh = Low <= High ? Math.Max(High, high) : high;
            var span = occupiedHigh - occupiedLow + 1;
            var length = Math.Min(Math.Max(Math.Max(span * 2, _counts.Length), 32), MaxBuckets * 2);
            length = Math.Max(length, span);
            var counts = new double[length];
            var offset = occupiedLow - (length - span) / 2;
            // Copy what the old array holds inside the occupied range (after a collapse, part of it is new).
            var copyHigh = Math.Min(High, _offset + _counts.Length - 1);
            for (var i = Math.Max(Low, _offset); i <= copyHigh; i++)
            {
                counts[i - offset] = _counts[i - _offset];
            }
            _counts = counts;
            _offset = offset;
        }
    }
}
