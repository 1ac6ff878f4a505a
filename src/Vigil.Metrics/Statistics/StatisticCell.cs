using System.Buffers;
using System.Buffers.Binary;

namespace Vigil.Metrics.Statistics;

/// <summary>
/// The summary of one rollup period (5 min, 1 h): exact SampleCount, Sum, Minimum and Maximum, and a
/// <see cref="RelativeErrorSketch"/> of the distribution for the extended statistics. Cells of adjacent periods or
/// series merge without losing the guarantees below.
/// </summary>
/// <remarks>
/// <para>Accuracy of <see cref="Compute"/>: the basic five are exact. Percentiles are within
/// <see cref="RelativeErrorSketch.RelativeAccuracy"/> (0.5 %) of the exact nearest-rank value and clamped to
/// [Minimum, Maximum]; p0 and p100 are exact. Percent-range TM, WM and TS use bucket representatives in place of
/// values, so for data of one sign they are within 0.5 % relative too; TC over a percent range is exact (it only
/// needs ranks). Value-range statistics (TM(150:1000), TC(..), TS(..), WM(..), PR(..)) may misplace the samples
/// that share the bound's bucket, i.e. those within 0.5 % of a bound: TC and PR are off by at most that many
/// samples.</para>
/// <para>The sketch is null when the distribution is unknown: a statistic set that is not a run of equal values was
/// added (AWS then offers no extended statistics), and merging such a cell keeps it null. Extended statistics are
/// also NaN when Minimum is negative, per AWS's rule for negative values.</para>
/// </remarks>
public sealed class StatisticCell
{
    private const byte FormatVersion = 1;
    private const byte HasSketchFlag = 1;
    private const byte InexpressibleFlag = 2;

    private bool _inexpressible;

    public double SampleCount { get; private set; }
    public double Sum { get; private set; }

    /// <summary>+∞ when empty.</summary>
    public double Minimum { get; private set; } = double.PositiveInfinity;

    /// <summary>−∞ when empty.</summary>
    public double Maximum { get; private set; } = double.NegativeInfinity;

    /// <summary>The distribution; null when empty or when it is unknown (see remarks).</summary>
    public RelativeErrorSketch? Sketch { get; private set; }

    /// <summary>False once an inexpressible statistic set went in: no extended statistics from this cell.</summary>
    public bool HasDistribution => !_inexpressible;

    public bool IsEmpty => SampleCount == 0;

    /// <summary>A cell summarising everything in <paramref name="set"/>.</summary>
    public static StatisticCell FromSampleSet(SampleSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var cell = new StatisticCell
        {
            SampleCount = set.SampleCount,
            Sum = set.Sum,
            Minimum = set.Minimum,
            Maximum = set.Maximum,
            _inexpressible = !set.HasDistribution,
        };
        if (set.HasDistribution && !set.IsEmpty)
        {
            set.GetSorted(out var values, out var weights);
            var sketch = new RelativeErrorSketch();
            for (var i = 0; i < values.Length; i++)
            {
                sketch.Add(values[i], weights[i]);
            }
            cell.Sketch = sketch;
        }
        return cell;
    }

    /// <summary>Adds a value counted <paramref name="count"/> times (a raw PutMetricData entry).</summary>
    public void Add(double value, double count = 1)
    {
        if (!double.IsFinite(value) || !double.IsFinite(count) || count < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "Values must be finite and counts finite and not negative.");
        }
        if (count == 0)
        {
            return;
        }
        if (!_inexpressible)
        {
            (Sketch ??= new RelativeErrorSketch()).Add(value, count);
        }
        Accumulate(count, value * count, value, value);
    }

    /// <summary>Adds a statistic set (StatisticValues).</summary>
    public void AddStatisticSet(double sampleCount, double sum, double min, double max)
    {
        SampleSet.ValidateStatisticSet(sampleCount, sum, min, max);
        if (!SampleSet.IsRunOfEqualValues(sampleCount, sum, min, max))
        {
            MarkInexpressible();
        }
        else if (!_inexpressible)
        {
            (Sketch ??= new RelativeErrorSketch()).Add(min, sampleCount);
        }
        Accumulate(sampleCount, sum, min, max);
    }

    /// <summary>Adds everything in <paramref name="other"/> to this cell.</summary>
    public void Merge(StatisticCell other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.IsEmpty)
        {
            return;
        }
        if (other._inexpressible)
        {
            MarkInexpressible();
        }
        else if (!_inexpressible && other.Sketch is not null)
        {
            (Sketch ??= new RelativeErrorSketch()).Merge(other.Sketch);
        }
        Accumulate(other.SampleCount, other.Sum, other.Minimum, other.Maximum);
    }

    /// <summary>
    /// The statistic for this cell: exact for the basic five, approximated from the sketch for the extended ones
    /// (error bounds in the type's remarks); NaN when empty or where CloudWatch gives no value.
    /// </summary>
    public double Compute(in StatisticSpec spec)
    {
        if (SampleCount == 0)
        {
            return double.NaN;
        }
        switch (spec.Kind)
        {
            case StatisticKind.SampleCount:
                return SampleCount;
            case StatisticKind.Sum:
                return Sum;
            case StatisticKind.Average:
                return Sum / SampleCount;
            case StatisticKind.Minimum:
                return Minimum;
            case StatisticKind.Maximum:
                return Maximum;
            default:
                break;
        }
        if (_inexpressible || Sketch is null || Minimum < 0)
        {
            return double.NaN;
        }
        if (spec.Kind == StatisticKind.Percentile)
        {
            // The extremes are known exactly; in between, the sketch's bucket representative.
            return spec.Upper <= 0 ? Minimum
                : spec.Upper >= 100 ? Maximum
                : Math.Clamp(Sketch.Quantile(spec.Upper / 100), Minimum, Maximum);
        }
        var n = Sketch.BucketCount;
        var values = ArrayPool<double>.Shared.Rent(n);
        var weights = ArrayPool<double>.Shared.Rent(n);
        try
        {
            n = Sketch.CopyOrdered(values, weights);
            var result = RankedStatistics.Compute(spec, values.AsSpan(0, n), weights.AsSpan(0, n), Sketch.Count);
            return spec.Kind is StatisticKind.TrimmedMean or StatisticKind.WinsorizedMean && !double.IsNaN(result)
                ? Math.Clamp(result, Minimum, Maximum)
                : result;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(values);
            ArrayPool<double>.Shared.Return(weights);
        }
    }

    /// <summary>
    /// Appends the binary form: version, flags, SampleCount, Sum, Minimum, Maximum (8-byte little-endian doubles), then
    /// the sketch when there is one.
    /// </summary>
    public void WriteTo(IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var span = writer.GetSpan(34);
        span[0] = FormatVersion;
        span[1] = (byte)((Sketch is null ? 0 : HasSketchFlag) | (_inexpressible ? InexpressibleFlag : 0));
        BinaryPrimitives.WriteDoubleLittleEndian(span[2..], SampleCount);
        BinaryPrimitives.WriteDoubleLittleEndian(span[10..], Sum);
        BinaryPrimitives.WriteDoubleLittleEndian(span[18..], Minimum);
        BinaryPrimitives.WriteDoubleLittleEndian(span[26..], Maximum);
        writer.Advance(34);
        Sketch?.WriteTo(writer);
    }

    /// <summary>Reads a cell written by <see cref="WriteTo"/> from the start of <paramref name="data"/>.</summary>
    public static StatisticCell ReadFrom(ReadOnlySpan<byte> data, out int bytesRead)
    {
        if (data.Length < 34 || data[0] != FormatVersion || (data[1] & ~(HasSketchFlag | InexpressibleFlag)) != 0)
        {
            throw new InvalidDataException("Not a version-1 statistic cell.");
        }
        var cell = new StatisticCell
        {
            _inexpressible = (data[1] & InexpressibleFlag) != 0,
            SampleCount = BinaryPrimitives.ReadDoubleLittleEndian(data[2..]),
            Sum = BinaryPrimitives.ReadDoubleLittleEndian(data[10..]),
            Minimum = BinaryPrimitives.ReadDoubleLittleEndian(data[18..]),
            Maximum = BinaryPrimitives.ReadDoubleLittleEndian(data[26..]),
        };
        bytesRead = 34;
        if ((data[1] & HasSketchFlag) != 0)
        {
            cell.Sketch = RelativeErrorSketch.ReadFrom(data[34..], out var read);
            bytesRead += read;
        }
        return cell;
    }

    private void MarkInexpressible()
    {
        _inexpressible = true;
        Sketch = null; // no longer describes the whole cell; drop it rather than keep a misleading half
    }

    private void Accumulate(double count, double sum, double min, double max)
    {
        SampleCount += count;
        Sum += sum;
        Minimum = Math.Min(Minimum, min);
        Maximum = Math.Max(Maximum, max);
    }
}
