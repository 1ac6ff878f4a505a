namespace Vigil.Metrics.MetricMath;

/// <summary>Operators of the metric math language (arithmetic, comparison and logical).</summary>
public enum MathOperator
{
    Add,
    Subtract,
    Multiply,
    Divide,
    Power,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
    And,
    Or,
}

/// <summary>
/// A node of a parsed metric math expression. <see cref="Column"/> is 1-based (where the node's token starts; the
/// operator for unary and binary nodes), <see cref="Depth"/> the height of the subtree (a leaf is 1).
/// </summary>
public abstract class MathNode(int column, int depth)
{
    public int Column { get; } = column;
    public int Depth { get; } = depth;
}

/// <summary>A number literal.</summary>
public sealed class NumberNode(int column, double value) : MathNode(column, 1)
{
    public double Value { get; } = value;
}

/// <summary>A quoted string literal (METRICS('prefix'), SEARCH('{AWS/EC2} CPU', 'Average', 300)).</summary>
public sealed class StringNode(int column, string value) : MathNode(column, 1)
{
    public string Value { get; } = value;
}

/// <summary>The id of another query of the request (starts with a lower-case letter).</summary>
public sealed class IdNode(int column, string id) : MathNode(column, 1)
{
    public string Id { get; } = id;
}

/// <summary>An upper-case word used as an argument: REPEAT, LINEAR, ASC, DESC, or a SORT statistic (AVG, MAX…).</summary>
public sealed class KeywordNode(int column, string word) : MathNode(column, 1)
{
    public string Word { get; } = word;
}

/// <summary>Unary minus (<c>-m1</c>) or logical NOT.</summary>
public sealed class UnaryNode(int column, bool isNot, MathNode operand) : MathNode(column, operand.Depth + 1)
{
    public bool IsNot { get; } = isNot;
    public MathNode Operand { get; } = operand;
}

/// <summary>A binary operation.</summary>
public sealed class BinaryNode(int column, MathOperator op, MathNode left, MathNode right)
    : MathNode(column, System.Math.Max(left.Depth, right.Depth) + 1)
{
    public MathOperator Operator { get; } = op;
    public MathNode Left { get; } = left;
    public MathNode Right { get; } = right;
}

/// <summary>A function call; <see cref="Name"/> is upper case as written.</summary>
public sealed class CallNode(int column, string name, IReadOnlyList<MathNode> arguments)
    : MathNode(column, MaxDepth(arguments) + 1)
{
    public string Name { get; } = name;
    public IReadOnlyList<MathNode> Arguments { get; } = arguments;

    internal static int MaxDepth(IReadOnlyList<MathNode> nodes)
    {
        var max = 0;
        foreach (var n in nodes)
        {
            max = System.Math.Max(max, n.Depth);
        }
        return max;
    }
}

/// <summary>An array literal <c>[m1, m2, METRICS('x')]</c>.</summary>
public sealed class ArrayNode(int column, IReadOnlyList<MathNode> elements) : MathNode(column, CallNode.MaxDepth(elements) + 1)
{
    public IReadOnlyList<MathNode> Elements { get; } = elements;
}
