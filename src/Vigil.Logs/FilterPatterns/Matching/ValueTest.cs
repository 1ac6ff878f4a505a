using System.Text.RegularExpressions;

namespace Vigil.Logs.FilterPatterns.Matching;

internal enum CompareOp
{
    Equal,
    NotEqual,
    Less,
    Greater,
    LessOrEqual,
    GreaterOrEqual,
}

/// <summary>One comparison of a value against a pattern constant: a number (numeric order), a text (exact, with
/// <c>*</c> wild cards, or a bare <c>*</c> for "any value"), or a regex. <c>!=</c> is the negation of <c>=</c> on a
/// value that is present; absence is decided by the caller (a JSON property that is missing matches nothing but
/// <c>NOT EXISTS</c>).</summary>
internal sealed class ValueTest
{
    private readonly string? _text;
    private readonly Wildcard? _wildcard;
    private readonly Regex? _regex;

    private ValueTest(CompareOp op, NumberValue? number, string? text, Regex? regex)
    {
        Op = op;
        Number = number;
        _text = text;
        _regex = regex;
        if (text is not null && Wildcard.HasWildcard(text))
        {
            _wildcard = new Wildcard(text);
            IsAny = text.AsSpan().Trim('*').IsEmpty;
        }
    }

    public CompareOp Op { get; }

    /// <summary>Set when the constant is a number: the value is compared numerically.</summary>
    public NumberValue? Number { get; }

    /// <summary>The constant is <c>*</c>: any present scalar is equal to it.</summary>
    public bool IsAny { get; }

    /// <summary>The constant is plain text without wild cards (equality can skip decoding).</summary>
    public string? ExactText => _wildcard is null && _regex is null ? _text : null;

    public static ValueTest ForNumber(CompareOp op, NumberValue number) => new(op, number, null, null);

    public static ValueTest ForText(CompareOp op, string text) => new(op, null, text, null);

    public static ValueTest ForRegex(CompareOp op, Regex regex) => new(op, null, null, regex);

    /// <summary>Test a field of a space-delimited message: numbers compare numerically when the field is one.</summary>
    public bool TestField(ReadOnlySpan<char> value)
    {
        if (Number is { } constant)
        {
            return NumberValue.TryParse(value, out var number) ? Holds(number.CompareTo(constant)) : Op == CompareOp.NotEqual;
        }
        return TextEquals(value) != (Op == CompareOp.NotEqual);
    }

    /// <summary>Outcome of the comparison given how the value orders against the constant.</summary>
    public bool Holds(int order) => Op switch
    {
        CompareOp.Equal => order == 0,
        CompareOp.NotEqual => order != 0,
        CompareOp.Less => order < 0,
        CompareOp.Greater => order > 0,
        CompareOp.LessOrEqual => order <= 0,
        _ => order >= 0,
    };

    /// <summary>Whether the text equals the (text or regex) constant, before <c>!=</c> negates it.</summary>
    public bool TextEquals(ReadOnlySpan<char> value)
    {
        if (_regex is not null)
        {
            return _regex.IsMatch(value); // linear time: see RegexTranslator.Compile
        }
        return _wildcard?.IsMatch(value) ?? value.SequenceEqual(_text);
    }

    /// <summary>Substrings a value equal to this constant must contain; empty unless it is <c>=</c> on text.</summary>
    public IReadOnlyList<string> RequiredInValue()
    {
        if (Op != CompareOp.Equal || _text is null)
        {
            return [];
        }
        if (_wildcard is null)
        {
            return _text.Length == 0 ? [] : [_text];
        }
        return _wildcard.Pieces;
    }
}
