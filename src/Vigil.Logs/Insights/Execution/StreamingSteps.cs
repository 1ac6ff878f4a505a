using Vigil.Logs.Insights.Plan;

namespace Vigil.Logs.Insights.Execution;

/// <summary>The row-by-row steps (<c>filter</c>, <c>fields</c>, <c>parse</c>, no-ops), shared by the partial scans
/// and the finishing stage. Stateless and thread-safe.</summary>
internal static class StreamingSteps
{
    /// <summary>Applies one streaming node; false when the row is filtered out.</summary>
    public static bool Apply(PlanNode node, Row row)
    {
        switch (node)
        {
            case FilterNode filter:
                return filter.Condition.Evaluate(row).AsBoolean;
            case ProjectNode project:
                foreach (var (name, value) in project.Items)
                {
                    row.Set(name, value.Evaluate(row));
                }

                return true;
            case ParseNode parse:
                Parse(parse, row);
                return true;
            default:
                return true;
        }
    }

    private static void Parse(ParseNode parse, Row row)
    {
        // The common "parse @message /.../": matched on the event's UTF-8 where the pattern allows, with no string.
        if (parse.Pattern.Ascii is { } ascii && parse.Source is FieldEvaluator { Name: "@message" } && row.TryGetMessageUtf8(out var utf8))
        {
            Span<int> bounds = stackalloc int[ascii.Boundaries];
            switch (ascii.Match(utf8, bounds))
            {
                case AsciiMatch.NoMatch:
                    return;
                case AsciiMatch.Match:
                    foreach (var (name, group) in parse.Captures)
                    {
                        var (start, length) = ascii.Group(bounds, group); // every group of an AsciiPattern takes part
                        row.Set(name, Value.String(row.Intern(utf8.Slice(start, length))));
                    }

                    return;
            }
        }

        if (parse.Source.Evaluate(row).AsText() is not { } text)
        {
            return;
        }

        var match = parse.Pattern.Match(text);
        if (!match.Success)
        {
            return;
        }

        foreach (var (name, group) in parse.Captures)
        {
            var capture = match.Groups[group];
            row.Set(name, capture.Success ? Value.String(row.Intern(capture.ValueSpan)) : Value.Null);
        }
    }
}
