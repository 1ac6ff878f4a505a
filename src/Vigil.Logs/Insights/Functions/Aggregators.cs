using Vigil.Logs.Insights.Execution;

namespace Vigil.Logs.Insights.Functions;

/// <summary>
/// The state of one aggregate call in one stats group. States are built per group by a factory the binder makes,
/// fed rows with <see cref="Add"/>, and merged pairwise (<see cref="Merge"/>) when partial results from parallel
/// scans meet; merging in any grouping gives the same result as one state fed every row. Not thread-safe.
/// </summary>
internal abstract class Aggregator
{
    public abstract void Add(Row row);

    /// <summary>True when <see cref="AddValue"/> may stand for <see cref="Add"/>: the state depends on nothing but
    /// the argument's value (not on the row's time, say).</summary>
    public virtual bool TakesValues => false;

    /// <summary>Adds a row by its argument's value, already evaluated (ignored by <c>count(*)</c>).</summary>
    public virtual void AddValue(in Value value) => throw new NotSupportedException();

    /// <summary>Folds <paramref name="other"/> (same kind, same arguments) into this state.</summary>
    public abstract void Merge(Aggregator other);

    public abstract Value Result();
}

internal sealed class CountAggregator(Evaluator? argument) : Aggregator
{
    private long _count;

    public override void Add(Row row)
    {
        if (argument is null || !argument.Evaluate(row).IsNull)
        {
            _count++;
        }
    }

    public override bool TakesValues => true;

    public override void AddValue(in Value value)
    {
        if (argument is null || !value.IsNull)
        {
            _count++;
        }
    }

    public override void Merge(Aggregator other) => _count += ((CountAggregator)other)._count;

    public override Value Result() => Value.Number(_count);
}

/// <summary>Sum, average and sample standard deviation over the numeric values (others are skipped), with Chan's
/// pairwise update so merged states agree with a single pass.</summary>
internal sealed class MomentsAggregator(Evaluator argument, MomentsAggregator.Output output) : Aggregator
{
    public enum Output : byte
    {
        Sum,
        Average,
        StandardDeviation,
    }

    private long _count;
    private double _sum;
    private double _mean;
    private double _m2;

    public override void Add(Row row) => AddValue(argument.Evaluate(row));

    public override bool TakesValues => true;

    public override void AddValue(in Value value)
    {
        if (!value.TryGetNumber(out var x))
        {
            return;
        }

        _count++;
        _sum += x;
        var delta = x - _mean;
        _mean += delta / _count;
        _m2 += delta * (x - _mean);
    }

    public override void Merge(Aggregator other)
    {
        var o = (MomentsAggregator)other;
        if (o._count == 0)
        {
            return;
        }

        var total = _count + o._count;
        var delta = o._mean - _mean;
        _m2 += o._m2 + (delta * delta * _count * o._count / total);
        _mean += delta * o._count / total;
        _sum += o._sum;
        _count = total;
    }

    public override Value Result() => _count == 0 ? Value.Null : output switch
    {
        Output.Sum => Value.Number(_sum),
        Output.Average => Value.Number(_sum / _count),
        _ => Value.Number(_count < 2 ? 0 : Math.Sqrt(Math.Max(0, _m2) / (_count - 1))),
    };
}

/// <summary><c>min</c>/<c>max</c> compare numbers numerically and fall back to the sort order among values that are
/// not numbers when a group has no numbers; <c>sortsFirst</c>/<c>sortsLast</c> use the sort order throughout.</summary>
internal sealed class ExtremeAggregator(Evaluator argument, bool largest, bool numbersFirst) : Aggregator
{
    private Value _bestNumber;
    private Value _bestOther;

    public override void Add(Row row) => Offer(argument.Evaluate(row));

    public override bool TakesValues => true;

    public override void AddValue(in Value value) => Offer(value);

    public override void Merge(Aggregator other)
    {
        var o = (ExtremeAggregator)other;
        Offer(o._bestNumber);
        Offer(o._bestOther);
    }

    public override Value Result() => numbersFirst
        ? (_bestNumber.IsNull ? _bestOther : _bestNumber)
        : Better(_bestNumber, _bestOther);

    private void Offer(Value value)
    {
        if (value.IsNull)
        {
            return;
        }

        if (value.TryGetNumber(out _))
        {
            _bestNumber = Better(_bestNumber, value);
        }
        else
        {
            _bestOther = Better(_bestOther, value);
        }
    }

    private Value Better(Value current, Value candidate)
    {
        if (current.IsNull)
        {
            return candidate;
        }

        if (candidate.IsNull)
        {
            return current;
        }

        var order = ValueOrder.Compare(candidate, current);
        if (order == 0)
        {
            // Equal in order but perhaps not in text ("1" and "1.0"): keep the ordinally smaller text so the
            // result does not depend on arrival order.
            order = string.CompareOrdinal(candidate.Render(), current.Render());
        }

        return (largest ? order > 0 : order < 0) ? candidate : current;
    }
}

/// <summary><c>earliest</c>/<c>latest</c>: the value from the row with the smallest/largest (timestamp, seq, stream,
/// group), among rows where the value is present. Timestamps come out as epoch milliseconds, as AWS returns them.</summary>
internal sealed class ByTimeAggregator(Evaluator argument, bool latest) : Aggregator
{
    private bool _has;
    private (long Timestamp, long Seq, string Stream, string Group) _key;
    private Value _value;

    public override void Add(Row row)
    {
        var value = argument.Evaluate(row);
        if (value.IsNull)
        {
            return;
        }

        var key = row.HasEvent
            ? (row.Timestamp, row.Seq, row.LogStream, row.LogGroup)
            : (row.Get("@timestamp").TryGetNumber(out var t) ? (long)t : 0, 0L, "", "");
        Offer(key, value);
    }

    public override void Merge(Aggregator other)
    {
        var o = (ByTimeAggregator)other;
        if (o._has)
        {
            Offer(o._key, o._value);
        }
    }

    public override Value Result() => _value.Kind == ValueKind.Timestamp ? Value.Number(_value.TimestampMilliseconds) : _value;

    private void Offer((long Timestamp, long Seq, string Stream, string Group) key, Value value)
    {
        if (_has)
        {
            var order = key.Timestamp.CompareTo(_key.Timestamp);
            order = order != 0 ? order : key.Seq.CompareTo(_key.Seq);
            order = order != 0 ? order : string.CompareOrdinal(key.Stream, _key.Stream);
            order = order != 0 ? order : string.CompareOrdinal(key.Group, _key.Group);
            if (latest ? order <= 0 : order >= 0)
            {
                return;
            }
        }

        _has = true;
        _key = key;
        _value = value;
    }
}

internal sealed class CountDistinctAggregator(Evaluator argument) : Aggregator
{
    private readonly DistinctCounter _counter = new();

    public override void Add(Row row) => AddValue(argument.Evaluate(row));

    public override bool TakesValues => true;

    public override void AddValue(in Value value)
    {
        if (value.Render() is { } text)
        {
            _counter.Add(text);
        }
    }

    public override void Merge(Aggregator other) => _counter.Merge(((CountDistinctAggregator)other)._counter);

    public override Value Result() => Value.Number(_counter.Count);
}

internal sealed class PercentileAggregator(Evaluator argument, double percent) : Aggregator
{
    private readonly PercentileSketch _sketch = new();

    public override void Add(Row row) => AddValue(argument.Evaluate(row));

    public override bool TakesValues => true;

    public override void AddValue(in Value value)
    {
        if (value.TryGetNumber(out var x))
        {
            _sketch.Add(x);
        }
    }

    public override void Merge(Aggregator other) => _sketch.Merge(((PercentileAggregator)other)._sketch);

    public override Value Result() => _sketch.Quantile(percent / 100) is { } q ? Value.Number(q) : Value.Null;
}
