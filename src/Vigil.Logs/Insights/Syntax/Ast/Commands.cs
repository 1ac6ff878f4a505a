namespace Vigil.Logs.Insights.Syntax.Ast;

/// <summary>A parsed query: its commands in pipe order.</summary>
public sealed record QueryAst(string Text, IReadOnlyList<Command> Commands);

/// <summary>One command between pipes; <see cref="Span"/> covers its keyword.</summary>
public abstract record Command(SourceSpan Span);

/// <summary>An expression with its output name: the alias after <c>as</c>, or else the expression's own text
/// (a field's name, or the source text such as <c>count(*)</c>, which is how AWS names unaliased columns).</summary>
public sealed record Projection(Expr Expr, string Name, bool Aliased);

public sealed record FieldsCommand(IReadOnlyList<Projection> Items, SourceSpan Span) : Command(Span);

public sealed record FilterCommand(Expr Condition, SourceSpan Span) : Command(Span);

public sealed record StatsCommand(IReadOnlyList<Projection> Aggregations, IReadOnlyList<Projection> GroupBy, SourceSpan Span) : Command(Span);

public sealed record SortKey(Expr Expr, bool Descending);

public sealed record SortCommand(IReadOnlyList<SortKey> Keys, SourceSpan Span) : Command(Span);

public sealed record LimitCommand(int Count, SourceSpan Span) : Command(Span);

/// <summary><c>parse field "glob * text" as a, b</c> or <c>parse field /(?&lt;a&gt;re)/</c>; the field defaults to
/// <c>@message</c>.</summary>
public sealed record ParseCommand(Expr Source, string Pattern, bool IsRegex, IReadOnlyList<string> Names, SourceSpan PatternSpan, SourceSpan Span) : Command(Span);

public sealed record DisplayCommand(IReadOnlyList<FieldRef> Fields, SourceSpan Span) : Command(Span);

public sealed record DedupCommand(IReadOnlyList<FieldRef> Fields, SourceSpan Span) : Command(Span);

/// <summary><c>unmask</c> with an optional field: Vigil masks nothing, so it changes nothing.</summary>
public sealed record UnmaskCommand(Expr? Field, SourceSpan Span) : Command(Span);

/// <summary><c>pattern field</c>: clusters the events' values of <c>field</c> into patterns.</summary>
public sealed record PatternCommand(Expr Field, SourceSpan Span) : Command(Span);

/// <summary>The window <c>diff</c> compares with: the one just before the query's, or the same times a day, a
/// week or a calendar month earlier.</summary>
public enum DiffPeriod : byte
{
    Previous,
    PreviousDay,
    PreviousWeek,
    PreviousMonth,
}

/// <summary><c>diff [previousDay|previousWeek|previousMonth]</c>, directly after <c>pattern</c>.</summary>
public sealed record DiffCommand(DiffPeriod Period, SourceSpan Span) : Command(Span);
