namespace Vigil.Metrics.Statistics;

/// <summary>
/// The raw entries of one period, accumulated to compute any CloudWatch statistic exactly. Reuse one instance across
/// periods with <see cref="Clear"/>: its arrays are kept, so steady-state accumulation allocates nothing.
/// </summary>
/// <remarks>
/// <para>A value with count c counts as c samples (PutMetricData's Values/Counts). A statistic set
/// (StatisticValues) feeds SampleCount, Sum, Minimum and Maximum; it also feeds the extended statistics only when it
/// is expressible as repeated single values, which is AWS's documented condition: Minimum equals Maximum and Sum
/// equals Minimum × SampleCount (which covers SampleCount 1 with all three equal). One inexpressible set makes every
/// extended statistic of the period unavailable (NaN), as CloudWatch returns no percentile for such data.</para>
/// <para>AWS also documents that percentiles, trimmed means and the other extended statistics are not available when
/// any value is negative; <see cref="Compute"/> follows that (NaN) while the basic five still work.</para>
/// <para>Rank conventions are those of <see cref="RankedStatistics"/>: nearest rank, no interpolation.</para>
/// </remarks>
public sealed class SampleSet
{
    private double[] _values;
    private double[] _weights;
    private int _length;
    private bool _sorted = true;
    private bool _inexpressible;
    private bool _wholeWeights = true;
    private double _count;
    private double _sum;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;

    public SampleSet(int capacity = 64)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _values = new double[Math.Max(capacity, 4)];
        _weights = new double[_values.Length];
    }

    /// <summary>Total sample count (weights and statistic-set counts included).</summary>
    public double SampleCount => _count;

    public double Sum => _sum;

    /// <summary>Smallest value seen; +∞ when empty.</summary>
    public double Minimum => _min;

    /// <summary>Largest value seen; −∞ when empty.</summary>
    public double Maximum => _max;

    public bool IsEmpty => _count == 0;

    /// <summary>False once a statistic set that is not a run of equal values was added: no extended statistics then.</summary>
    public bool HasDistribution => !_inexpressible;

    /// <summary>Number of stored (value, weight) entries.</summary>
    public int EntryCount => _length;

    /// <summary>Adds <paramref name="value"/> as <paramref name="count"/> samples (count 0 is ignored, as it adds nothing).</summary>
    public void Add(double value, double count = 1)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Metric values must be finite.");
        }
        if (!double.IsFinite(count) || count < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "Counts must be finite and not negative.");
        }
        if (count == 0)
        {
            return;
        }
        Append(value, count);
        _count += count;
        _sum += value * count;
        _min = Math.Min(_min, value);
        _max = Math.Max(_max, value);
    }

    /// <summary>
    /// Adds each of <paramref name="values"/> as <paramref name="counts"/>' matching count, or as one sample when
    /// <paramref name="counts"/> is empty (a period's raw samples in one call: the unit-count loop is tight).
    /// </summary>
    public void AddRange(ReadOnlySpan<double> values, ReadOnlySpan<double> counts)
    {
        if (!counts.IsEmpty)
        {
            for (var i = 0; i < values.Length; i++)
            {
                Add(values[i], counts[i]);
            }
            return;
        }
        if (values.IsEmpty)
        {
            return;
        }
        var need = _length + values.Length;
        if (need > _values.Length)
        {
            var size = Math.Max(need, _values.Length * 2);
            Array.Resize(ref _values, size);
            Array.Resize(ref _weights, size);
        }
        double sum = 0, min = _min, max = _max;
        var previous = _length > 0 ? _values[_length - 1] : double.NegativeInfinity;
        var sorted = _sorted;
        var into = _values.AsSpan(_length, values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (!double.IsFinite(v))
            {
                throw new ArgumentOutOfRangeException(nameof(values), v, "Metric values must be finite.");
            }
            sorted &= v >= previous;
            previous = v;
            into[i] = v;
            sum += v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        _weights.AsSpan(_length, values.Length).Fill(1);
        _length = need;
        _sorted = sorted;
        _count += values.Length;
        _sum += sum;
        _min = min;
        _max = max;
    }

    /// <summary>Adds a statistic set (StatisticValues).</summary>
    public void AddStatisticSet(double sampleCount, double sum, double min, double max)
    {
        ValidateStatisticSet(sampleCount, sum, min, max);
        if (IsRunOfEqualValues(sampleCount, sum, min, max))
        {
            Append(min, sampleCount);
        }
        else
        {
            _inexpressible = true;
        }
        _count += sampleCount;
        _sum += sum;
        _min = Math.Min(_min, min);
        _max = Math.Max(_max, max);
    }

    /// <summary>Empties the set, keeping its arrays for the next period.</summary>
    public void Clear()
    {
        _length = 0;
        _sorted = true;
        _inexpressible = false;
        _wholeWeights = true;
        _count = 0;
        _sum = 0;
        _min = double.PositiveInfinity;
        _max = double.NegativeInfinity;
    }

    /// <summary>
    /// The statistic over everything added, exactly; NaN when the set is empty (CloudWatch returns no datapoint) or
    /// when CloudWatch would give no value (extended statistics over inexpressible statistic sets or negative values).
    /// </summary>
    public double Compute(in StatisticSpec spec)
    {
        if (_count == 0)
        {
            return double.NaN;
        }
        switch (spec.Kind)
        {
            case StatisticKind.SampleCount:
                return _count;
            case StatisticKind.Sum:
                return _sum;
            case StatisticKind.Average:
                return _sum / _count;
            case StatisticKind.Minimum:
                return _min;
            case StatisticKind.Maximum:
                return _max;
            default:
                break;
        }
        if (_inexpressible || _min < 0)
        {
            return double.NaN;
        }
        if (spec.Kind == StatisticKind.Percentile && _wholeWeights)
        {
            // With whole weights every entry holds at least one rank, so a rank above N - 1 is the maximum's and a
            // rank of 1 or less the minimum's (p99 of fewer than 100 samples, p1, p0): no sort needed.
            var target = RankedStatistics.RankTarget(_count, spec.Upper / 100);
            if (target > _count - 1)
            {
                return _max;
            }
            if (target <= 1)
            {
                return _min;
            }
        }
        EnsureSorted();
        return RankedStatistics.Compute(spec, _values.AsSpan(0, _length), _weights.AsSpan(0, _length), _count);
    }

    /// <summary>The entries in ascending value order (sorts in place on first use after an add).</summary>
    internal void GetSorted(out ReadOnlySpan<double> values, out ReadOnlySpan<double> weights)
    {
        EnsureSorted();
        values = _values.AsSpan(0, _length);
        weights = _weights.AsSpan(0, _length);
    }

    internal static void ValidateStatisticSet(double sampleCount, double sum, double min, double max)
    {
        if (!double.IsFinite(sampleCount) || !double.IsFinite(sum) || !double.IsFinite(min) || !double.IsFinite(max))
        {
            throw new ArgumentException("Statistic set members must be finite.");
        }
        if (!(sampleCount > 0) || min > max)
        {
            throw new ArgumentException("A statistic set needs SampleCount > 0 and Minimum <= Maximum.");
        }
    }

    /// <summary>AWS's condition for a statistic set to count as raw data: Min = Max and Sum = Min × SampleCount.</summary>
    internal static bool IsRunOfEqualValues(double sampleCount, double sum, double min, double max) =>
        min == max && Math.Abs(sum - min * sampleCount) <= 1e-9 * Math.Max(1, Math.Abs(sum));

    private void Append(double value, double weight)
    {
        if (_length == _values.Length)
        {
            Array.Resize(ref _values, _length * 2);
            Array.Resize(ref _weights, _length * 2);
        }
        if (_length > 0 && value < _values[_length - 1])
        {
            _sorted = false;
        }
        _values[_length] = value;
        _weights[_length] = weight;
        _wholeWeights &= weight >= 1 && weight == Math.Floor(weight) && weight < 9007199254740992d;
        _length++;
    }

    private void EnsureSorted()
    {
        if (_sorted)
        {
            return;
        }
        if (_length <= InsertionSortMaximum)
        {
            // A period usually holds a handful of samples (6 at 10 s for a minute): a plain insertion sort beats
            // the general sort's setup by several times, and the percentile of every period needs one.
            for (var i = 1; i < _length; i++)
            {
                var v = _values[i];
                var w = _weights[i];
                var j = i - 1;
                for (; j >= 0 && _values[j] > v; j--)
                {
                    _values[j + 1] = _values[j];
                    _weights[j + 1] = _weights[j];
                }
                _values[j + 1] = v;
                _weights[j + 1] = w;
            }
        }
        else
        {
            _values.AsSpan(0, _length).Sort(_weights.AsSpan(0, _length));
        }
        _sorted = true;
    }

    private const int InsertionSortMaximum = 64;
}
