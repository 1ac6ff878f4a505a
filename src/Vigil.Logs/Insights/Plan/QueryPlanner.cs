using System.Text;
using System.Text.RegularExpressions;
using Vigil.Logs.Insights.Execution;
using Vigil.Logs.Insights.Syntax;
using Vigil.Logs.Insights.Syntax.Ast;

namespace Vigil.Logs.Insights.Plan;

/// <summary>From syntax tree to <see cref="QueryPlan"/>: checks command order, binds expressions, adds the implicit
/// limit, picks the output columns and derives the scan hints.</summary>
internal static class QueryPlanner
{
    /// <summary>Rows a query returns without a <c>limit</c> (AWS's default).</summary>
    public const int DefaultLimit = 1_000;

    private static readonly string[] DefaultColumns = ["@timestamp", "@message"];

    public static QueryPlan Plan(QueryAst query, long startTime, long endTime)
    {
        CheckOrder(query.Commands);
        var nodes = new List<PlanNode>();
        for (var i = 0; i < query.Commands.Count; i++)
        {
            nodes.Add(query.Commands[i] is PatternCommand pattern
                ? BindPattern(pattern, query.Commands.ElementAtOrDefault(i + 1) as DiffCommand, startTime, endTime)
                : Bind(query.Commands[i]));
        }

        var lastStats = nodes.FindLastIndex(n => n is StatsNode or PatternNode);
        if (!nodes.Skip(lastStats + 1).Any(n => n is LimitNode))
        {
            nodes.Add(new LimitNode(DefaultLimit, Implicit: true, query.Commands[^1].Span));
        }

        var firstBlocking = nodes.FindIndex(n => !n.IsStreaming);
        var hints = new ScanHints(
            startTime,
            endTime,
            [.. RequiredText(query.Commands).Order(StringComparer.Ordinal)],
            ReferencedFields(query.Commands),
            nodes[firstBlocking] is LimitNode first ? first.Count : null);
        var (columns, appendPointer) = Columns(query.Commands);
        return new QueryPlan(nodes, firstBlocking, CollectorBound(nodes, firstBlocking), columns, appendPointer, hints);
    }

    /// <summary>Besides dedup's rule: <c>pattern</c> only in the streaming part (AWS: not after sort, and queries
    /// with stats return no patterns), followed only by commands that work on its rows, and <c>diff</c> right after it.</summary>
    private static void CheckOrder(IReadOnlyList<Command> commands)
    {
        Command? blocking = null;
        var afterPattern = false;
        for (var i = 0; i < commands.Count; i++)
        {
            var command = commands[i];
            if (afterPattern && command is not (FilterCommand or FieldsCommand or DisplayCommand or SortCommand or LimitCommand or DiffCommand))
            {
                throw command.Span.Error($"{KeywordOf(command)} cannot follow pattern");
            }

            if (command is PatternCommand && blocking is not null)
            {
                throw command.Span.Error($"pattern cannot follow {KeywordOf(blocking)}");
            }

            afterPattern |= command is PatternCommand;
            blocking ??= command is StatsCommand or SortCommand or LimitCommand or DedupCommand ? command : null;
            if (command is DedupCommand && i + 1 < commands.Count && commands[i + 1] is not LimitCommand)
            {
                // AWS: only limit may follow dedup, and it words the refusal as a syntax error at the next command.
                var next = commands[i + 1];
                throw next.Span.Error($"unexpected symbol found {KeywordOf(next)}");
            }

            if (command is DiffCommand && (i == 0 || commands[i - 1] is not PatternCommand))
            {
                throw command.Span.Error("diff can only follow pattern");
            }
        }
    }

    private static PatternNode BindPattern(PatternCommand pattern, DiffCommand? diff, long startTime, long endTime) =>
        new(ExpressionBinder.BindScalar(pattern.Field), diff is not null,
            diff is null ? null : PatternNode.ComparisonWindow(diff.Period, startTime, endTime), pattern.Span);

    private static PlanNode Bind(Command command)
    {
        switch (command)
        {
            case FieldsCommand fields:
                return new ProjectNode([.. fields.Items.Select(p => (p.Name, ExpressionBinder.BindScalar(p.Expr)))], fields.Span);
            case FilterCommand filter:
                return new FilterNode(ExpressionBinder.BindScalar(filter.Condition), filter.Span);
            case StatsCommand stats:
                var slots = new List<AggregateSlot>();
                var groupBy = stats.GroupBy.Select(p => (p.Name, ExpressionBinder.BindScalar(p.Expr))).ToList();
                var outputs = stats.Aggregations.Select(p => (p.Name, ExpressionBinder.BindStats(p.Expr, slots))).ToList();
                return new StatsNode(slots, groupBy, outputs, stats.Span);
            case SortCommand sort:
                return new SortNode([.. sort.Keys.Select(k => (ExpressionBinder.BindScalar(k.Expr), k.Descending))], sort.Span);
            case LimitCommand limit:
                return new LimitNode(limit.Count, Implicit: false, limit.Span);
            case ParseCommand parse:
                return BindParse(parse);
            case DedupCommand dedup:
                return new DedupNode([.. dedup.Fields.Select(f => f.Name)], dedup.Span);
            case UnmaskCommand { Field: { } field } unmask:
                ExpressionBinder.BindScalar(field);
                return new PassNode(unmask.Span);
            default:
                return new PassNode(command.Span);
        }
    }

    /// <summary>A glob becomes a regex: literal pieces escaped, each <c>*</c> a lazy group except a final one,
    /// which takes the rest; the match may start anywhere in the field.</summary>
    private static ParseNode BindParse(ParseCommand parse)
    {
        var source = ExpressionBinder.BindScalar(parse.Source);
        if (parse.IsRegex)
        {
            var regex = ExpressionBinder.CompileRegex(parse.Pattern, parse.PatternSpan);
            var captures = regex.GetGroupNames()
                .Where(name => !int.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
                .Select(name => (name, regex.GroupNumberFromName(name)))
                .OrderBy(c => c.Item2)
                .ToArray();
            if (captures.Length == 0)
            {
                throw parse.PatternSpan.Error("parse needs a named capturing group such as (?<name>.*) in its regular expression");
            }

            return new ParseNode(source, regex, captures, parse.Span);
        }

        var pieces = parse.Pattern.Split('*');
        var pattern = new StringBuilder();
        for (var i = 0; i < pieces.Length; i++)
        {
            pattern.Append(Regex.Escape(pieces[i]));
            if (i < pieces.Length - 1)
            {
                pattern.Append(i == pieces.Length - 2 && pieces[^1].Length == 0 ? "(.*)" : "(.*?)");
            }
        }

        var glob = QueryRegex.Create(pattern.ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline);
        return new ParseNode(source, glob, [.. parse.Names.Select((name, i) => (name, i + 1))], parse.Span);
    }

    /// <summary>How many rows the collector must keep: the first limit reached through row-preserving steps, or
    /// everything (null) when a filter, stats, sort or dedup could still drop or reorder rows first.</summary>
    private static int? CollectorBound(List<PlanNode> nodes, int firstBlocking)
    {
        var start = nodes[firstBlocking] is SortNode ? firstBlocking + 1 : firstBlocking;
        for (var i = start; i < nodes.Count; i++)
        {
            switch (nodes[i])
            {
                case LimitNode limit:
                    return limit.Count;
                case ProjectNode or ParseNode or PassNode:
                    continue;
                default:
                    return null;
            }
        }

        return null;
    }

    /// <summary>Output columns: the last <c>display</c>; else the stats columns (group fields first) plus fields added
    /// after the last stats; else every <c>fields</c> name; else @timestamp and @message. Event rows also carry @ptr.</summary>
    private static (IReadOnlyList<string> Columns, bool AppendPointer) Columns(IReadOnlyList<Command> commands)
    {
        var fields = new List<string>();
        List<string>? stats = null;
        List<string>? display = null;
        foreach (var command in commands)
        {
            switch (command)
            {
                case FieldsCommand f:
                    var target = stats ?? fields;
                    target.AddRange(f.Items.Select(p => p.Name).Where(n => !target.Contains(n)));
                    break;
                case StatsCommand s:
                    stats = [.. s.GroupBy.Select(p => p.Name).Concat(s.Aggregations.Select(p => p.Name)).Distinct()];
                    break;
                case PatternCommand:
                    stats = [.. PatternNode.ColumnsFor(diff: commands.Any(c => c is DiffCommand))];
                    break;
                case DisplayCommand d:
                    display = [.. d.Fields.Select(f => f.Name).Distinct()];
                    break;
            }
        }

        var columns = display ?? stats ?? (fields.Count > 0 ? fields : [.. DefaultColumns]);
        return (columns, stats is null);
    }

    private static HashSet<string> RequiredText(IReadOnlyList<Command> commands)
    {
        var required = new HashSet<string>(StringComparer.Ordinal);
        foreach (var command in commands)
        {
            switch (command)
            {
                case FilterCommand filter:
                    required.UnionWith(RequiredSubstrings.Of(filter.Condition));
                    continue;
                case FieldsCommand fields when fields.Items.All(p => p.Name != "@message"):
                    continue;
                case ParseCommand parse when !parse.Names.Contains("@message") && !parse.Pattern.Contains("?<@message>", StringComparison.Ordinal):
                    continue;
                case DisplayCommand or UnmaskCommand:
                    continue;
            }

            break; // A blocking command, or one that redefines @message: later filters no longer see every event.
        }

        return required;
    }

    private static HashSet<string> ReferencedFields(IReadOnlyList<Command> commands)
    {
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        var defined = new HashSet<string>(StringComparer.Ordinal);
        void Read(Expr? expr)
        {
            switch (expr)
            {
                case FieldRef f when !defined.Contains(f.Name): referenced.Add(f.Name); break;
                case UnaryExpr u: Read(u.Operand); break;
                case BinaryExpr b: Read(b.Left); Read(b.Right); break;
                case InExpr i: Read(i.Value); i.Items.ToList().ForEach(Read); break;
                case CallExpr c:
                    c.Arguments.ToList().ForEach(Read);
                    if (c.Arguments.Count == 1 && string.Equals(c.Name, "bin", StringComparison.OrdinalIgnoreCase) && !defined.Contains("@timestamp"))
                    {
                        referenced.Add("@timestamp");
                    }

                    break;
            }
        }

        foreach (var command in commands)
        {
            switch (command)
            {
                case FieldsCommand f: f.Items.ToList().ForEach(p => { Read(p.Expr); defined.Add(p.Name); }); break;
                case FilterCommand f: Read(f.Condition); break;
                case StatsCommand s:
                    s.GroupBy.Concat(s.Aggregations).ToList().ForEach(p => Read(p.Expr));
                    s.GroupBy.Concat(s.Aggregations).ToList().ForEach(p => defined.Add(p.Name));
                    break;
                case SortCommand s: s.Keys.ToList().ForEach(k => Read(k.Expr)); break;
                case ParseCommand p: Read(p.Source); p.Names.ToList().ForEach(n => defined.Add(n)); break;
                case DisplayCommand d: d.Fields.ToList().ForEach(Read); break;
                case DedupCommand d: d.Fields.ToList().ForEach(Read); break;
                case UnmaskCommand u: Read(u.Field); break;
                case PatternCommand p: Read(p.Field); defined.UnionWith(PatternNode.ColumnsFor(diff: true)); break;
            }
        }

        if (!commands.Any(c => c is FieldsCommand or StatsCommand or DisplayCommand or PatternCommand))
        {
            referenced.UnionWith(DefaultColumns.Where(c => !defined.Contains(c)));
        }

        return referenced;
    }

    private static string KeywordOf(Command command) => command switch
    {
        FieldsCommand => "fields",
        FilterCommand => "filter",
        StatsCommand => "stats",
        SortCommand => "sort",
        LimitCommand => "limit",
        ParseCommand => "parse",
        DisplayCommand => "display",
        DedupCommand => "dedup",
        UnmaskCommand => "unmask",
        PatternCommand => "pattern",
        _ => "diff",
    };
}
