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
    private Dictionary<int, long>? _positive;
    private Dictionary<int, long>? _negative;
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
        foreach (var (index, count) in other._positive!)
        {
            _positive![index] = _positive.GetValueOrDefault(index) + count;
        }

        foreach (var (index, count) in other._negative!)
        {
            _negative![index] = _negative.GetValueOrDefault(index) + count;
        }
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
        foreach (var index in _negative!.Keys.OrderDescending())
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

        foreach (var index in _positive!.Keys.Order())
        {
            seen += _positive[index];
            if (seen >= rank)
            {
                return Midpoint(index);
            }
        }

        return Midpoint(_positive.Keys.Max());
    }

    private void ToSketch()
    {
        _positive = [];
        _negative = [];
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

        var store = value > 0 ? _positive! : _negative!;
        var index = (int)Math.Ceiling(Math.Log(Math.Abs(value)) / LogGamma);
        System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(store, index, out _) += count; // one lookup
    }

    private static double Midpoint(int index) => 2 * Math.Pow(Gamma, index) / (Gamma + 1);
}
