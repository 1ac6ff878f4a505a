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
        // The common "parse @message ...": what it captured depends on the message alone, so it is kept with a cached
        // chunk like a discovered field (FieldMemo) under keys of the pattern; it is matched on the event's UTF-8 where
        // the pattern allows, with no string.
        if (parse.Source is FieldEvaluator { Name: "@message" } && row.TryGetMessageUtf8(out var utf8))
        {
            if (row.TryRecall(parse.MatchedKey, out var matched) && (!matched.AsBoolean || Recall(parse, row)))
            {
                return;
            }

            if (parse.Pattern.Ascii is { } ascii)
            {
                Span<int> bounds = stackalloc int[ascii.Boundaries];
                switch (ascii.Match(utf8, bounds))
                {
                    case AsciiMatch.NoMatch:
                        row.Remember(parse.MatchedKey, Value.Boolean(false));
                        return;
                    case AsciiMatch.Match:
                        row.Remember(parse.MatchedKey, Value.Boolean(true));
                        for (var i = 0; i < parse.Captures.Length; i++)
                        {
                            var (start, length) = ascii.Group(bounds, parse.Captures[i].Group); // every group of an AsciiPattern takes part
                            var value = Value.String(row.Intern(utf8.Slice(start, length)));
                            row.Set(parse.Captures[i].Name, value);
                            row.Remember(parse.CaptureKeys[i], value);
                        }

                        return;
                }
            }

            Apply(parse, row, remember: true);
            return;
        }

        Apply(parse, row, remember: false);
    }

    /// <summary>Sets the captures kept for this event; false (nothing set) unless every one was kept.</summary>
    private static bool Recall(ParseNode parse, Row row)
    {
        foreach (var key in parse.CaptureKeys)
        {
            if (!row.TryRecall(key, out _))
            {
                return false;
            }
        }

        for (var i = 0; i < parse.Captures.Length; i++)
        {
            row.TryRecall(parse.CaptureKeys[i], out var kept);
            row.Set(parse.Captures[i].Name, kept);
        }

        return true;
    }

    /// <summary>Parse through .NET's regex (<see cref="QueryRegex"/>).</summary>
    private static void Apply(ParseNode parse, Row row, bool remember)
    {
        if (parse.Source.Evaluate(row).AsText() is not { } text)
        {
            return;
        }

        var match = parse.Pattern.Match(text);
        if (remember)
        {
            row.Remember(parse.MatchedKey, Value.Boolean(match.Success));
        }

        if (!match.Success)
        {
            return;
        }

        for (var i = 0; i < parse.Captures.Length; i++)
        {
            var capture = match.Groups[parse.Captures[i].Group];
            var value = capture.Success ? Value.String(row.Intern(capture.ValueSpan)) : Value.Null;
            row.Set(parse.Captures[i].Name, value);
            if (remember)
            {
                row.Remember(parse.CaptureKeys[i], value);
            }
        }
    }
}
