namespace Vigil.Logs.Insights.Syntax.Ast;

/// <summary>An expression of the query language; every node knows the text it came from.</summary>
public abstract record Expr(SourceSpan Span);

public sealed record NumberLiteral(double Value, string Text, SourceSpan Span) : Expr(Span);

public sealed record StringLiteral(string Value, SourceSpan Span) : Expr(Span);

/// <summary><c>/pattern/</c>; the body as written, without the slashes.</summary>
public sealed record RegexLiteral(string Pattern, SourceSpan Span) : Expr(Span);

/// <summary><c>5m</c>, <c>1h</c>: only meaningful as the period of <c>bin</c>, <c>datefloor</c>, <c>dateceil</c>.</summary>
public sealed record PeriodLiteral(TimePeriod Period, SourceSpan Span) : Expr(Span);

/// <summary>A field name: bare (<c>a.b</c>, <c>@message</c>) or quoted with backticks.</summary>
public sealed record FieldRef(string Name, SourceSpan Span) : Expr(Span);

/// <summary><c>*</c> as the argument of <c>count(*)</c>.</summary>
public sealed record StarExpr(SourceSpan Span) : Expr(Span);

public enum UnaryOp : byte
{
    Negate,
    Not,
}

public sealed record UnaryExpr(UnaryOp Op, Expr Operand, SourceSpan Span) : Expr(Span);

public enum BinaryOp : byte
{
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
    Power,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    And,
    Or,
    Like,
    NotLike,
}

public sealed record BinaryExpr(BinaryOp Op, Expr Left, Expr Right, SourceSpan Span) : Expr(Span);

/// <summary><c>x in [a, b]</c> and <c>x not in [...]</c>.</summary>
public sealed record InExpr(Expr Value, IReadOnlyList<Expr> Items, bool Negated, SourceSpan Span) : Expr(Span);

/// <summary>A function call; <see cref="Name"/> as written (lookup ignores case).</summary>
public sealed record CallExpr(string Name, IReadOnlyList<Expr> Arguments, SourceSpan NameSpan, SourceSpan Span) : Expr(Span);
