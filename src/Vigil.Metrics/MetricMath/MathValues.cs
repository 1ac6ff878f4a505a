using Vigil.Metrics.Model;

namespace Vigil.Metrics.MetricMath;

/// <summary>What a sub-expression evaluates to: S, TS, TS[], or a string/keyword argument.</summary>
internal abstract class MathValue
{
    public abstract string TypeName { get; }
}

internal sealed class ScalarValue(double value) : MathValue
{
    /// <summary>NaN when there is no value (AVG of an empty series); a series combined with it gets no points.</summary>
    public double Value { get; } = value;
    public override string TypeName => "a scalar";
}

/// <summary>One series and the period its timestamps step by (for FILL, TIME_SERIES and the date functions).</summary>
internal sealed class SeriesValue(TimeSeries series, int period) : MathValue
{
    public TimeSeries Series { get; } = series;
    public int Period { get; } = period;
    public override string TypeName => "a time series";

    public static SeriesValue Of(string label, List<long> ts, List<double> vs, int period) => new(new TimeSeries(label, [.. ts], [.. vs]), period);
}

internal sealed class ArrayValue(IReadOnlyList<SeriesValue> items) : MathValue
{
    public IReadOnlyList<SeriesValue> Items { get; } = items;
    public override string TypeName => "an array of time series";
}

internal sealed class TextValue(string text) : MathValue
{
    public string Text { get; } = text;
    public override string TypeName => "a string";
}

internal sealed class WordValue(string word) : MathValue
{
    public string Word { get; } = word;
    public override string TypeName => $"the keyword {Word}";
}
