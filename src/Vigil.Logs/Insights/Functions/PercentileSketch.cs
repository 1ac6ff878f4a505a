namespace Vigil.Logs.Insights.Functions;

/// <summary>
/// <c>pct</c>: exact (nearest rank over the sorted values) up to <see cref="ExactLimit"/> values, then a log-bucket
/// sketch with relative error <see cref="RelativeError"/> (each value is placed in a bucket [γ^(i-1), γ^i) and
/// reported as the bucket's midpoint). Memory is one counter per occupied bucket: about 2,800 buckets cover
/// 10^-6..10^6 at 0.5 %. Mergeable by adding bucket counts.
/// </summary>
internal sealed class PercentileSketch
{
    public const int ExactLimit = 10_000;

    public const double RelativeError = 0.005;

    private static readonly double Gamma = (1 + RelativeError) / (1 - RelativeError);
    private static readonly double LogGamma = Math.Log(Gamma);

    private List<double>? _exact = [];
    private BucketCounts? _positive;
    private BucketCounts? _negative;
    private long _zeros;
    private long _count;

    public void Add(double value)
    {
        _count++;
        if (_exact is not null)
        {
            _exact.Add(value);
            if (_exact.Count > ExactLimit)
            {
                ToSketch();
            }

            return;
        }

        AddToBuckets(value, 1);
    }

    public void Merge(PercentileSketch other)
    {
        if (other._exact is not null)
        {
            foreach (var value in other._exact)
            {
                Add(value);
            }

            return;
        }

        if (_exact is not null)
        {
            ToSketch();
        }

        _count += other._count;
        _zeros += other._zeros;
        _positive!.Merge(other._positive!);
        _negative!.Merge(other._negative!);
    }

    /// <summary>The value at nearest rank ⌈q·n⌉ (the smallest value for q = 0), or null with no values.</summary>
    public double? Quantile(double q)
    {
        if (_count == 0 || double.IsNaN(q))
        {
            return null;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(Math.Clamp(q, 0, 1) * _count));
        if (_exact is not null)
        {
            var sorted = _exact.ToArray();
            Array.Sort(sorted);
            return sorted[rank - 1];
        }

        long seen = 0;
        // Negative buckets from the largest magnitude (the smallest values) down.
        for (var index = _negative!.Highest; index >= _negative.Lowest; index--)
        {
            seen += _negative[index];
            if (seen >= rank)
            {
                return -Midpoint(index);
            }
        }

        seen += _zeros;
        if (seen >= rank)
        {
            return 0;
        }

        for (var index = _positive!.Lowest; index <= _positive.Highest; index++)
        {
            seen += _positive[index];
            if (seen >= rank)
            {
                return Midpoint(index);
            }
        }

        return Midpoint(_positive.HighestOccupied);
    }

    private void ToSketch()
    {
        _positive = new BucketCounts();
        _negative = new BucketCounts();
        foreach (var value in _exact!)
        {
            AddToBuckets(value, 1);
        }

        _exact = null;
    }

    private void AddToBuckets(double value, long count)
    {
        if (Math.Abs(value) < 1e-12)
        {
            _zeros += count;
            return;
        }

        var index = (int)Math.Ceiling(Math.Log(Math.Abs(value)) / LogGamma);
        if (value > 0)
        {
            _positive!.Add(index, count);
        }
        else
        {
            _negative!.Add(index, count);
        }
    }

    private static double Midpoint(int index) => 2 * Math.Pow(Gamma, index) / (Gamma + 1);

    /// <summary>
    /// Counts by bucket index in one array over the indexes seen so far (grown at either end): values of one field
    /// span a few hundred buckets, so a lookup is an offset, not a hash.
    /// </summary>
    private sealed class BucketCounts
    {
        private long[] _counts = [];
        private int _offset;

        /// <summary>The lowest index that may hold a count (Lowest > Highest while empty).</summary>
        public int Lowest => _offset;

        public int Highest => _offset + _counts.Length - 1;

        public int HighestOccupied
        {
            get
            {
                var i = _counts.Length - 1;
                while (i > 0 && _counts[i] == 0)
                {
                    i--;
                }

                return _offset + i;
            }
        }

        public long this[int index] => index >= _offset && index - _offset < _counts.Length ? _counts[index - _offset] : 0;

        public void Add(int index, long count)
        {
            var at = index - _offset;
            if ((uint)at >= (uint)_counts.Length)
            {
                at = Grow(index);
            }

            _counts[at] += count;
        }

        public void Merge(BucketCounts other)
        {
            for (var i = 0; i < other._counts.Length; i++)
            {
                if (other._counts[i] != 0)
                {
                    Add(other._offset + i, other._counts[i]);
                }
            }
        }

        private int Grow(int index)
        {
            if (_counts.Length == 0)
            {
                _counts = new long[64];
                _offset = index - 32;
                return index - _offset;
            }

            var low = Math.Min(index, _offset);
            var high = Math.Max(index, Highest);
            // Room to spare on the side that grew, so a drifting range does not copy on every new bucket.
            var size = Math.Max(high - low + 1, _counts.Length * 2);
            var newOffset = index < _offset ? high - size + 1 : low;
            var grown = new long[size];
            Array.Copy(_counts, 0, grown, _offset - newOffset, _counts.Length);
            _counts = grown;
            _offset = newOffset;
            return index - _offset;
        }
    }
}
