using System.Text.RegularExpressions;
using Vigil.Logs.Insights.Functions;
using Vigil.Logs.Insights.Syntax;
using Vigil.Logs.Insights.Syntax.Ast;

namespace Vigil.Logs.Insights.Execution;

/// <summary>A compiled expression. Immutable and thread-safe: one tree serves every scanning thread.</summary>
internal abstract class Evaluator
{
    public abstract Value Evaluate(Row row);

    /// <summary>The backtracking engine's budget per match (see <see cref="QueryRegex"/>).</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);
}

internal sealed class ConstantEvaluator(Value value) : Evaluator
{
    public Value Value => value;

    public override Value Evaluate(Row row) => value;
}

internal sealed class FieldEvaluator(string name) : Evaluator
{
    public string Name => name;

    public override Value Evaluate(Row row) => row.Get(name);
}

/// <summary>An aggregate's result inside a stats output expression (<c>sum(a) / count(*)</c>).</summary>
internal sealed class SlotEvaluator(int index) : Evaluator
{
    public override Value Evaluate(Row row) => row.Slots is { } slots ? slots[index] : Value.Null;
}

internal sealed class NegateEvaluator(Evaluator operand) : Evaluator
{
    public override Value Evaluate(Row row) => operand.Evaluate(row).TryGetNumber(out var x) ? Value.Number(-x) : Value.Null;
}

internal sealed class NotEvaluator(Evaluator operand) : Evaluator
{
    public override Value Evaluate(Row row) => Value.Boolean(!operand.Evaluate(row).AsBoolean);
}

/// <summary>Arithmetic on numbers (numeric strings count); anything else, or division by zero, gives no value.</summary>
internal sealed class ArithmeticEvaluator(BinaryOp op, Evaluator left, Evaluator right) : Evaluator
{
    public override Value Evaluate(Row row)
    {
        if (!left.Evaluate(row).TryGetNumber(out var x) || !right.Evaluate(row).TryGetNumber(out var y))
        {
            return Value.Null;
        }

        return op switch
        {
            BinaryOp.Add => Value.Number(x + y),
            BinaryOp.Subtract => Value.Number(x - y),
            BinaryOp.Multiply => Value.Number(x * y),
            BinaryOp.Divide => y == 0 ? Value.Null : Value.Number(x / y),
            BinaryOp.Modulo => y == 0 ? Value.Null : Value.Number(x % y),
            _ => Value.Number(Math.Pow(x, y)),
        };
    }
}

/// <summary>Numbers compare as numbers when both sides read as numbers, otherwise as text (ordinal). A missing side
/// makes every comparison false, <c>!=</c> included.</summary>
internal sealed class ComparisonEvaluator(BinaryOp op, Evaluator left, Evaluator right) : Evaluator
{
    public override Value Evaluate(Row row)
    {
        var a = left.Evaluate(row);
        var b = right.Evaluate(row);
        if (a.IsNull || b.IsNull)
        {
            return Value.Boolean(false);
        }

        var order = Compare(a, b);
        return Value.Boolean(op switch
        {
            BinaryOp.Equal => order == 0,
            BinaryOp.NotEqual => order != 0,
            BinaryOp.Less => order < 0,
            BinaryOp.LessOrEqual => order <= 0,
            BinaryOp.Greater => order > 0,
            _ => order >= 0,
        });
    }

    public static int Compare(Value a, Value b) =>
        a.TryGetNumber(out var x) && b.TryGetNumber(out var y) ? x.CompareTo(y) : string.CompareOrdinal(a.AsText(), b.AsText());
}

internal sealed class LogicalEvaluator(bool isAnd, Evaluator left, Evaluator right) : Evaluator
{
    public override Value Evaluate(Row row)
    {
        var first = left.Evaluate(row).AsBoolean;
        if (isAnd ? !first : first)
        {
            return Value.Boolean(first);
        }

        return Value.Boolean(right.Evaluate(row).AsBoolean);
    }
}

/// <summary><c>like</c> / <c>=~</c>: a substring test (case-sensitive) for strings, a regex search for
/// <c>/regex/</c>. A missing operand matches neither <c>like</c> nor <c>not like</c>.</summary>
internal sealed class LikeEvaluator(Evaluator operand, Evaluator? pattern, QueryRegex? regex, bool negated) : Evaluator
{
    // "@message like 'text'" searches the event's UTF-8 as it is: the common filter needs no decoded message.
    private readonly byte[]? _messageNeedle = regex is null && operand is FieldEvaluator { Name: "@message" } && pattern is ConstantEvaluator constant
        && constant.Value.AsText() is { } literal ? System.Text.Encoding.UTF8.GetBytes(literal) : null;

    private readonly AsciiPattern? _messageRegex = operand is FieldEvaluator { Name: "@message" } ? regex?.Ascii : null;

    public override Value Evaluate(Row row)
    {
        if (_messageNeedle is not null && row.TryGetMessageUtf8(out var utf8))
        {
            return Value.Boolean(utf8.IndexOf(_messageNeedle) >= 0 != negated);
        }

        if (_messageRegex is not null && row.TryGetMessageUtf8(out utf8))
        {
            Span<int> bounds = stackalloc int[_messageRegex.Boundaries];
            var outcome = _messageRegex.Match(utf8, bounds);
            if (outcome != AsciiMatch.Undecided)
            {
                return Value.Boolean(outcome == AsciiMatch.Match != negated);
            }
        }

        if (operand.Evaluate(row).AsText() is not { } text)
        {
            return Value.Boolean(false);
        }

        bool matched;
        if (regex is not null)
        {
            matched = regex.IsMatch(text);
        }
        else if (pattern!.Evaluate(row).AsText() is { } needle)
        {
            matched = text.Contains(needle, StringComparison.Ordinal);
        }
        else
        {
            return Value.Boolean(false);
        }

        return Value.Boolean(matched != negated);
    }
}

/// <summary><c>in [..]</c>: whole-value equality with any item (numbers numerically); missing never matches.</summary>
internal sealed class InEvaluator(Evaluator operand, Evaluator[] items, bool negated) : Evaluator
{
    public override Value Evaluate(Row row)
    {
        var value = operand.Evaluate(row);
        if (value.IsNull)
        {
            return Value.Boolean(false);
        }

        foreach (var item in items)
        {
            var candidate = item.Evaluate(row);
            if (!candidate.IsNull && ComparisonEvaluator.Compare(value, candidate) == 0)
            {
                return Value.Boolean(!negated);
            }
        }

        return Value.Boolean(negated);
    }
}

internal sealed class CallEvaluator(Func<Value[], Value> body, Evaluator[] arguments, string function = "") : Evaluator
{
    /// <summary>The function's name (for plans that recognise a call, e.g. <c>ispresent(field)</c>).</summary>
    public string Function => function;

    public IReadOnlyList<Evaluator> Arguments => arguments;

    private const int PooledArity = 8;

    // Argument arrays per thread and arity, rented for the call (nested calls rent others): no array per event.
    // A function reads its arguments during the call and keeps none of them in the array.
    [ThreadStatic]
    private static Stack<Value[]>[]? t_free;

    public override Value Evaluate(Row row)
    {
        var pooled = arguments.Length <= PooledArity;
        var values = pooled ? Rent(arguments.Length) : new Value[arguments.Length];
        try
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = arguments[i].Evaluate(row);
            }

            return body(values);
        }
        finally
        {
            if (pooled)
            {
                Array.Clear(values);
                t_free![values.Length].Push(values);
            }
        }
    }

    private static Value[] Rent(int arity)
    {
        t_free ??= [.. Enumerable.Range(0, PooledArity + 1).Select(_ => new Stack<Value[]>())];
        return t_free[arity].TryPop(out var values) ? values : new Value[arity];
    }
}

/// <summary><c>datefloor</c>/<c>dateceil</c>/<c>bin</c>; a value that is not a time (or out of the calendar's
/// range) gives no value.</summary>
internal sealed class TimeBucketEvaluator(Evaluator timestamp, TimePeriod period, bool ceiling) : Evaluator
{
    public override Value Evaluate(Row row)
    {
        var value = timestamp.Evaluate(row);
        if (!value.TryGetNumber(out var number) || !TimeBuckets.InRange((long)number))
        {
            return Value.Null;
        }

        var milliseconds = (long)Math.Floor(number);
        var bucket = ceiling ? TimeBuckets.Ceiling(milliseconds, period) : TimeBuckets.Floor(milliseconds, period);
        return TimeBuckets.InRange(bucket) ? Value.Timestamp(bucket) : Value.Null;
    }
}
