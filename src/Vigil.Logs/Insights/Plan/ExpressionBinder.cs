using System.Text.RegularExpressions;
using Vigil.Logs.Insights.Execution;
using Vigil.Logs.Insights.Functions;
using Vigil.Logs.Insights.Syntax;
using Vigil.Logs.Insights.Syntax.Ast;

namespace Vigil.Logs.Insights.Plan;

/// <summary>
/// Turns syntax-tree expressions into evaluators: resolves functions (unknown names and wrong arities are errors at
/// the name), checks that aggregates appear only in <c>stats</c> and not nested, that stats fields sit inside an
/// aggregate, and that regexes and time periods stand only where they mean something.
/// </summary>
internal static class ExpressionBinder
{
    /// <summary>The largest period <c>bin</c> and friends accept: 10,000 years in milliseconds keeps every bucket
    /// computation inside the calendar.</summary>
    private const long MaxPeriodMilliseconds = 10_000L * 366 * 86_400_000;

    public static Evaluator BindScalar(Expr expr) => Bind(expr, slots: null, insideAggregate: false);

    /// <summary>A stats output expression: aggregate calls become slots in <paramref name="slots"/>.</summary>
    public static Evaluator BindStats(Expr expr, List<AggregateSlot> slots)
    {
        var count = slots.Count;
        var evaluator = Bind(expr, slots, insideAggregate: false);
        if (slots.Count == count)
        {
            throw expr.Span.Error("stats needs an aggregate function");
        }

        return evaluator;
    }

    public static QueryRegex CompileRegex(string pattern, SourceSpan span)
    {
        try
        {
            return QueryRegex.Create(pattern, RegexOptions.CultureInvariant);
        }
        catch (ArgumentException)
        {
            throw span.Error($"invalid regular expression /{pattern}/");
        }
    }

    private static Evaluator Bind(Expr expr, List<AggregateSlot>? slots, bool insideAggregate)
    {
        switch (expr)
        {
            case NumberLiteral number:
                return new ConstantEvaluator(Value.Number(number.Value));
            case StringLiteral text:
                return new ConstantEvaluator(Value.String(text.Value));
            case FieldRef field:
                if (slots is not null && !insideAggregate)
                {
                    throw field.Span.Error($"field {field.Name} must be inside an aggregate function");
                }

                return new FieldEvaluator(field.Name);
            case RegexLiteral regex:
                throw regex.Span.Error("a regular expression can only follow like or =~");
            case PeriodLiteral period:
                throw period.Span.Error("a time period can only be an argument of bin, datefloor or dateceil");
            case StarExpr star:
                throw star.Span.Error("unexpected symbol found *");
            case UnaryExpr unary:
                var operand = Bind(unary.Operand, slots, insideAggregate);
                return unary.Op == UnaryOp.Not ? new NotEvaluator(operand) : new NegateEvaluator(operand);
            case InExpr list:
                return new InEvaluator(Bind(list.Value, slots, insideAggregate), [.. list.Items.Select(i => Bind(i, slots, insideAggregate))], list.Negated);
            case BinaryExpr binary:
                return BindBinary(binary, slots, insideAggregate);
            case CallExpr call:
                return BindCall(call, slots, insideAggregate);
            default:
                throw expr.Span.Error("unsupported expression");
        }
    }

    private static Evaluator BindBinary(BinaryExpr binary, List<AggregateSlot>? slots, bool insideAggregate)
    {
        var left = Bind(binary.Left, slots, insideAggregate);
        switch (binary.Op)
        {
            case BinaryOp.Like or BinaryOp.NotLike:
                var negated = binary.Op == BinaryOp.NotLike;
                return binary.Right is RegexLiteral regex
                    ? new LikeEvaluator(left, null, CompileRegex(regex.Pattern, regex.Span), negated)
                    : new LikeEvaluator(left, Bind(binary.Right, slots, insideAggregate), null, negated);
            case BinaryOp.And or BinaryOp.Or:
                return new LogicalEvaluator(binary.Op == BinaryOp.And, left, Bind(binary.Right, slots, insideAggregate));
            case BinaryOp.Equal or BinaryOp.NotEqual or BinaryOp.Less or BinaryOp.LessOrEqual or BinaryOp.Greater or BinaryOp.GreaterOrEqual:
                return new ComparisonEvaluator(binary.Op, left, Bind(binary.Right, slots, insideAggregate));
            default:
                return new ArithmeticEvaluator(binary.Op, left, Bind(binary.Right, slots, insideAggregate));
        }
    }

    private static Evaluator BindCall(CallExpr call, List<AggregateSlot>? slots, bool insideAggregate)
    {
        if (!FunctionRegistry.TryGet(call.Name, out var spec))
        {
            throw call.NameSpan.Error($"unknown function {call.Name}");
        }

        var count = call.Arguments.Count;
        if (count < spec.MinArguments || count > spec.MaxArguments)
        {
            var expected = spec.MinArguments == spec.MaxArguments ? $"{spec.MinArguments}"
                : spec.MaxArguments == int.MaxValue ? $"at least {spec.MinArguments}" : $"{spec.MinArguments} to {spec.MaxArguments}";
            throw call.NameSpan.Error($"function {spec.Name} takes {expected} argument{(expected == "1" || expected.EndsWith(" 1", StringComparison.Ordinal) ? "" : "s")}, not {count}");
        }

        switch (spec.Kind)
        {
            case FunctionKind.Period:
                return BindPeriodFunction(call, spec, slots, insideAggregate);
            case FunctionKind.Aggregate:
                return BindAggregate(call, spec, slots, insideAggregate);
            default:
                if (call.Arguments.FirstOrDefault(a => a is StarExpr) is { } star)
                {
                    throw star.Span.Error("unexpected symbol found *");
                }

                return new CallEvaluator(spec.Scalar!, [.. call.Arguments.Select(a => Bind(a, slots, insideAggregate))], spec.Name);
        }
    }

    private static TimeBucketEvaluator BindPeriodFunction(CallExpr call, FunctionSpec spec, List<AggregateSlot>? slots, bool insideAggregate)
    {
        var periodArgument = call.Arguments[^1];
        if (periodArgument is not PeriodLiteral literal)
        {
            throw periodArgument.Span.Error($"the last argument of {spec.Name} must be a time period such as 5m");
        }

        var period = literal.Period;
        var size = period.FixedMilliseconds ?? period.Count * 31L * 86_400_000;
        if (period.Count > MaxPeriodMilliseconds || size <= 0 || size > MaxPeriodMilliseconds)
        {
            throw literal.Span.Error("time period is too long");
        }

        var timestamp = call.Arguments.Count == 2 ? Bind(call.Arguments[0], slots, insideAggregate) : new FieldEvaluator("@timestamp");
        if (call.Arguments.Count == 1 && slots is not null && !insideAggregate)
        {
            throw call.Span.Error("bin must be inside an aggregate function in stats; use it after by");
        }

        return new TimeBucketEvaluator(timestamp, period, ceiling: string.Equals(spec.Name, "dateceil", StringComparison.Ordinal));
    }

    private static SlotEvaluator BindAggregate(CallExpr call, FunctionSpec spec, List<AggregateSlot>? slots, bool insideAggregate)
    {
        if (slots is null)
        {
            throw call.NameSpan.Error($"aggregate function {spec.Name} can only be used in stats");
        }

        if (insideAggregate)
        {
            throw call.NameSpan.Error($"aggregate function {spec.Name} cannot be nested in another aggregate");
        }

        var arguments = call.Arguments;
        var isStar = arguments.Count == 1 && arguments[0] is StarExpr;
        if (!string.Equals(spec.Name, "count", StringComparison.Ordinal) && arguments.Any(a => a is StarExpr))
        {
            throw arguments.First(a => a is StarExpr).Span.Error("unexpected symbol found *");
        }

        var argument = arguments.Count == 0 || isStar ? null : Bind(arguments[0], slots, insideAggregate: true);
        Func<Aggregator> create;
        switch (spec.Name)
        {
            case "count": create = () => new CountAggregator(argument); break;
            case "count_distinct": create = () => new CountDistinctAggregator(argument!); break;
            case "sum": create = () => new MomentsAggregator(argument!, MomentsAggregator.Output.Sum); break;
            case "avg": create = () => new MomentsAggregator(argument!, MomentsAggregator.Output.Average); break;
            case "stddev": create = () => new MomentsAggregator(argument!, MomentsAggregator.Output.StandardDeviation); break;
            case "min": create = () => new ExtremeAggregator(argument!, largest: false, numbersFirst: true); break;
            case "max": create = () => new ExtremeAggregator(argument!, largest: true, numbersFirst: true); break;
            case "sortsFirst": create = () => new ExtremeAggregator(argument!, largest: false, numbersFirst: false); break;
            case "sortsLast": create = () => new ExtremeAggregator(argument!, largest: true, numbersFirst: false); break;
            case "earliest": create = () => new ByTimeAggregator(argument!, latest: false); break;
            case "latest": create = () => new ByTimeAggregator(argument!, latest: true); break;
            default:
                if (arguments[1] is not NumberLiteral { Value: >= 0 and <= 100 } percent)
                {
                    throw arguments[1].Span.Error("the percentile of pct must be a number from 0 to 100");
                }

                var p = percent.Value;
                create = () => new PercentileAggregator(argument!, p);
                break;
        }

        slots.Add(new AggregateSlot(spec.Name, create, argument));
        return new SlotEvaluator(slots.Count - 1);
    }
}
