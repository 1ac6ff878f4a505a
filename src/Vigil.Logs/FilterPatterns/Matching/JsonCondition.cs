using System.Text.Json;

namespace Vigil.Logs.FilterPatterns.Matching;

/// <summary>A node of a JSON pattern's boolean tree, evaluated against the message's root object.</summary>
internal abstract class JsonCondition
{
    public abstract bool Evaluate(JsonElement root);

    /// <summary>How many <c>*</c> selector steps the subtree holds (AWS allows three per pattern).</summary>
    public abstract int WildcardCount { get; }

    /// <summary>
    /// Text every matching message contains as it is written, provided the message has no backslash (so no JSON
    /// escape can spell a character another way): the literal pieces of the <c>=</c> text comparisons that must hold.
    /// </summary>
    public virtual IEnumerable<string> RequiredWithoutEscapes => [];
}

internal sealed class JsonAnd(JsonCondition[] parts) : JsonCondition
{
    public override int WildcardCount => parts.Sum(p => p.WildcardCount);

    // Every part must hold, so every part's text must be there.
    public override IEnumerable<string> RequiredWithoutEscapes => parts.SelectMany(p => p.RequiredWithoutEscapes);

    public override bool Evaluate(JsonElement root)
    {
        foreach (var part in parts)
        {
            if (!part.Evaluate(root))
            {
                return false;
            }
        }
        return true;
    }
}

internal sealed class JsonOr(JsonCondition[] parts) : JsonCondition
{
    public override int WildcardCount => parts.Sum(p => p.WildcardCount);

    public override bool Evaluate(JsonElement root)
    {
        foreach (var part in parts)
        {
            if (part.Evaluate(root))
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary><c>$.a = value</c> and the other operators. Only scalars compare: a selector that reaches nothing, an
/// object, an array or null matches no comparison (not even <c>!=</c>); <c>IS NULL</c> and <c>NOT EXISTS</c> cover those.</summary>
internal sealed class JsonComparison(JsonSelector selector, int wildcards, ValueTest test) : JsonCondition
{
    public override int WildcardCount => wildcards;

    // A string value equal to the text is written as that text when unescaped; a number or boolean compared as text
    // is written as its own text.
    public override IEnumerable<string> RequiredWithoutEscapes => test.RequiredInValue();

    public override bool Evaluate(JsonElement root) => selector.Any(root, new ScalarTest(test));

    private readonly struct ScalarTest(ValueTest test) : IJsonValueTest
    {
        public bool Test(JsonElement value)
        {
            var negate = test.Op == CompareOp.NotEqual;
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    if (test.Number is not null || test.IsAny)
                    {
                        return test.IsAny ? !negate : negate; // a JSON string never equals a number
                    }
                    return (test.ExactText is { } exact ? value.ValueEquals(exact) : test.TextEquals(value.GetString())) != negate;
                case JsonValueKind.Number:
                    if (test.Number is { } constant)
                    {
                        return Read(value, out var number) ? test.Holds(number.CompareTo(constant)) : negate;
                    }
                    return test.TextEquals(value.GetRawText()) != negate; // wild cards such as 4* see the number as written
                case JsonValueKind.True or JsonValueKind.False:
                    if (test.Number is not null)
                    {
                        return negate;
                    }
                    return test.TextEquals(value.ValueKind == JsonValueKind.True ? "true" : "false") != negate;
                default:
                    return false;
            }
        }

        private static bool Read(JsonElement value, out NumberValue number)
        {
            if (value.TryGetDecimal(out var exact))
            {
                number = new NumberValue(exact);
                return true;
            }
            var ok = value.TryGetDouble(out var approximate) && double.IsFinite(approximate);
            number = new NumberValue(approximate);
            return ok;
        }
    }
}

/// <summary><c>$.a IS NULL</c>, <c>IS TRUE</c>, <c>IS FALSE</c>.</summary>
internal sealed class JsonIs(JsonSelector selector, int wildcards, JsonValueKind kind) : JsonCondition
{
    public override int WildcardCount => wildcards;

    public override bool Evaluate(JsonElement root) => selector.Any(root, new KindTest(kind));

    private readonly struct KindTest(JsonValueKind kind) : IJsonValueTest
    {
        public bool Test(JsonElement value) => value.ValueKind == kind;
    }
}

/// <summary><c>$.a NOT EXISTS</c>: the selector reaches nothing at all (a null value exists).</summary>
internal sealed class JsonNotExists(JsonSelector selector, int wildcards) : JsonCondition
{
    public override int WildcardCount => wildcards;

    public override bool Evaluate(JsonElement root) => !selector.Any(root, default(Exists));

    private readonly struct Exists : IJsonValueTest
    {
        public bool Test(JsonElement value) => true;
    }
}
