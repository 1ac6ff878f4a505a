namespace Vigil.Logs.FilterPatterns.Matching;

/// <summary>The condition on one field of a space-delimited pattern: comparisons joined by <c>&amp;&amp;</c> and
/// <c>||</c> (<c>&amp;&amp;</c> binds tighter), e.g. <c>status_code = 404 || status_code = 410</c>.</summary>
internal abstract class FieldCondition
{
    public abstract bool Test(ReadOnlySpan<char> value);

    /// <summary>Substrings the field's value must contain for the condition to hold.</summary>
    public abstract IReadOnlyList<string> Required { get; }
}

internal sealed class FieldComparison(ValueTest test) : FieldCondition
{
    public override bool Test(ReadOnlySpan<char> value) => test.TestField(value);

    public override IReadOnlyList<string> Required => test.RequiredInValue();
}

internal sealed class FieldAnd(FieldCondition[] parts) : FieldCondition
{
    public override bool Test(ReadOnlySpan<char> value)
    {
        foreach (var part in parts)
        {
            if (!part.Test(value))
            {
                return false;
            }
        }
        return true;
    }

    public override IReadOnlyList<string> Required => [.. parts.SelectMany(p => p.Required)];
}

internal sealed class FieldOr(FieldCondition[] parts) : FieldCondition
{
    public override bool Test(ReadOnlySpan<char> value)
    {
        foreach (var part in parts)
        {
            if (part.Test(value))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Only what every alternative requires (kept simple: exact strings common to all).</summary>
    public override IReadOnlyList<string> Required =>
        [.. parts.Skip(1).Aggregate(parts[0].Required.AsEnumerable(), (common, p) => common.Intersect(p.Required, StringComparer.Ordinal))];
}
