using System.Globalization;
using System.Text;
using Vigil.Metrics.Model;

namespace Vigil.Metrics.MetricMath;

/// <summary>
/// Recursive-descent parser of the metric math grammar. Precedence, loosest first:
/// OR (||), AND (&amp;&amp;), NOT, comparisons, + -, * /, unary minus, ^ (right associative), primaries.
/// Nesting is bounded (<see cref="MaxDepth"/>) so neither the parser nor the evaluator can exhaust the stack.
/// </summary>
internal sealed class MathParser
{
    /// <summary>CloudWatch's limit on the Expression field.</summary>
    public const int MaxLength = 2048;

    /// <summary>Deepest syntax tree we accept; far beyond what any real expression needs.</summary>
    public const int MaxDepth = 100;

    private readonly string _text;
    private int _pos;
    private int _nesting;

    private MathParser(string text) => _text = text;

    public static MathNode Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new MetricQueryException($"The expression is {text.Length} characters long; the maximum is {MaxLength}.");
        }
        var parser = new MathParser(text);
        parser.SkipSpace();
        if (parser._pos >= text.Length)
        {
            throw new MetricQueryException("Syntax Error: the expression is empty.");
        }
        var node = parser.ParseOr();
        parser.SkipSpace();
        if (parser._pos < text.Length)
        {
            throw parser.Error($"Unexpected {parser.Describe()}");
        }
        return node;
    }

    private MetricQueryException Error(string what) => Error(what, _pos + 1);

    private static MetricQueryException Error(string what, int column) =>
        new($"Syntax Error: {what} at column {column.ToString(CultureInfo.InvariantCulture)}.");

    private string Describe()
    {
        if (_pos >= _text.Length)
        {
            return "end of expression";
        }
        var c = _text[_pos];
        return char.IsLetter(c) ? $"token '{PeekWord()}'" : $"character '{c}'";
    }

    private void SkipSpace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
        {
            _pos++;
        }
    }

    private bool Eat(string symbol)
    {
        SkipSpace();
        if (string.CompareOrdinal(_text, _pos, symbol, 0, symbol.Length) == 0)
        {
            _pos += symbol.Length;
            return true;
        }
        return false;
    }

    private string PeekWord()
    {
        var end = _pos;
        while (end < _text.Length && (char.IsAsciiLetterOrDigit(_text[end]) || _text[end] == '_'))
        {
            end++;
        }
        return _text[_pos..end];
    }

    /// <summary>Consumes <paramref name="word"/> when it is the next whole word.</summary>
    private bool EatWord(string word)
    {
        SkipSpace();
        if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) != 0)
        {
            return false;
        }
        var end = _pos + word.Length;
        if (end < _text.Length && (char.IsAsciiLetterOrDigit(_text[end]) || _text[end] == '_'))
        {
            return false;
        }
        _pos = end;
        return true;
    }

    private void Enter()
    {
        if (++_nesting > MaxDepth)
        {
            throw new MetricQueryException(
                $"The expression is nested too deeply (more than {MaxDepth} levels) at column {(_pos + 1).ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    // Left-associative chains build deep trees without recursing, so the tree height is checked too.
    private static MathNode Checked(MathNode node)
    {
        if (node.Depth > MaxDepth)
        {
            throw new MetricQueryException(
                $"The expression is nested too deeply (more than {MaxDepth} levels) at column {node.Column.ToString(CultureInfo.InvariantCulture)}.");
        }
        return node;
    }

    private MathNode ParseOr()
    {
        var left = ParseAnd();
        while (true)
        {
            SkipSpace();
            var column = _pos + 1;
            if (!EatWord("OR") && !Eat("||"))
            {
                break;
            }
            left = Checked(new BinaryNode(column, MathOperator.Or, left, ParseAnd()));
        }
        return left;
    }

    private MathNode ParseAnd()
    {
        var left = ParseNot();
        while (true)
        {
            SkipSpace();
            var column = _pos + 1;
            if (!EatWord("AND") && !Eat("&&"))
            {
                break;
            }
            left = Checked(new BinaryNode(column, MathOperator.And, left, ParseNot()));
        }
        return left;
    }

    private MathNode ParseNot()
    {
        SkipSpace();
        var column = _pos + 1;
        if (EatWord("NOT"))
        {
            Enter();
            var operand = ParseNot();
            _nesting--;
            return Checked(new UnaryNode(column, isNot: true, operand));
        }
        return ParseComparison();
    }

    private MathNode ParseComparison()
    {
        var left = ParseAdditive();
        while (true)
        {
            SkipSpace();
            var column = _pos + 1;
            MathOperator op;
            if (Eat("<="))
            {
                op = MathOperator.LessOrEqual;
            }
            else if (Eat(">="))
            {
                op = MathOperator.GreaterOrEqual;
            }
            else if (Eat("=="))
            {
                op = MathOperator.Equal;
            }
            else if (Eat("!="))
            {
                op = MathOperator.NotEqual;
            }
            else if (Eat("<"))
            {
                op = MathOperator.Less;
            }
            else if (Eat(">"))
            {
                op = MathOperator.Greater;
            }
            else
            {
                break;
            }
            left = Checked(new BinaryNode(column, op, left, ParseAdditive()));
        }
        return left;
    }

    private MathNode ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (true)
        {
            SkipSpace();
            var column = _pos + 1;
            MathOperator op;
            if (Eat("+"))
            {
                op = MathOperator.Add;
            }
            else if (Eat("-"))
            {
                op = MathOperator.Subtract;
            }
            else
            {
                break;
            }
            left = Checked(new BinaryNode(column, op, left, ParseMultiplicative()));
        }
        return left;
    }

    private MathNode ParseMultiplicative()
    {
        var left = ParseUnary();
        while (true)
        {
            SkipSpace();
            var column = _pos + 1;
            MathOperator op;
            if (Eat("*"))
            {
                op = MathOperator.Multiply;
            }
            else if (Eat("/"))
            {
                op = MathOperator.Divide;
            }
            else
            {
                break;
            }
            left = Checked(new BinaryNode(column, op, left, ParseUnary()));
        }
        return left;
    }

    private MathNode ParseUnary()
    {
        SkipSpace();
        var column = _pos + 1;
        if (Eat("-"))
        {
            Enter();
            var operand = ParseUnary();
            _nesting--;
            return Checked(new UnaryNode(column, isNot: false, operand));
        }
        if (Eat("+"))
        {
            // A leading plus is accepted and means nothing.
            Enter();
            var operand = ParseUnary();
            _nesting--;
            return operand;
        }
        return ParsePower();
    }

    private MathNode ParsePower()
    {
        var left = ParsePrimary();
        SkipSpace();
        var column = _pos + 1;
        if (Eat("^"))
        {
            // Right associative and binds tighter than unary minus on its left: -2^2 is -(2^2), 2^-1 is 2^(-1).
            Enter();
            var right = ParseUnary();
            _nesting--;
            return Checked(new BinaryNode(column, MathOperator.Power, left, right));
        }
        return left;
    }

    private MathNode ParsePrimary()
    {
        SkipSpace();
        var column = _pos + 1;
        if (_pos >= _text.Length)
        {
            throw Error("Unexpected end of expression");
        }
        var c = _text[_pos];
        if (c == '(')
        {
            _pos++;
            Enter();
            var inner = ParseOr();
            _nesting--;
            Expect(')', column);
            return inner;
        }
        if (c == '[')
        {
            _pos++;
            Enter();
            var elements = ParseList(']', column, "array");
            _nesting--;
            if (elements.Count == 0)
            {
                throw Error("An array needs at least one element", column);
            }
            return Checked(new ArrayNode(column, elements));
        }
        if (char.IsAsciiDigit(c) || (c == '.' && _pos + 1 < _text.Length && char.IsAsciiDigit(_text[_pos + 1])))
        {
            return ParseNumber(column);
        }
        if (c is '\'' or '"' or '\u201C' or '\u2018')
        {
            return ParseString(column);
        }
        if (char.IsAsciiLetterLower(c))
        {
            return new IdNode(column, PeekWordAndSkip());
        }
        if (char.IsAsciiLetterUpper(c))
        {
            var word = PeekWordAndSkip();
            if (word is "AND" or "OR" or "NOT")
            {
                throw Error($"Unexpected operator {word}", column);
            }
            SkipSpace();
            if (_pos < _text.Length && _text[_pos] == '(')
            {
                _pos++;
                var function = MathFunctions.Find(word)
                    ?? throw new MetricQueryException($"Unrecognized function '{word}' at column {column.ToString(CultureInfo.InvariantCulture)}.");
                if (!function.Supported)
                {
                    throw new MetricQueryException(
                        $"The function {word} (column {column.ToString(CultureInfo.InvariantCulture)}) is not supported by this server.");
                }
                Enter();
                var args = ParseList(')', column, word);
                _nesting--;
                if (args.Count < function.MinArgs || args.Count > function.MaxArgs)
                {
                    throw new MetricQueryException(
                        $"Function {word} at column {column.ToString(CultureInfo.InvariantCulture)} expects {function.ArityText} but got {args.Count.ToString(CultureInfo.InvariantCulture)}.");
                }
                return Checked(new CallNode(column, word, args));
            }
            return new KeywordNode(column, word);
        }
        throw Error($"Unexpected {Describe()}");
    }

    private string PeekWordAndSkip()
    {
        var word = PeekWord();
        _pos += word.Length;
        return word;
    }

    private void Expect(char close, int openColumn)
    {
        SkipSpace();
        if (_pos < _text.Length && _text[_pos] == close)
        {
            _pos++;
            return;
        }
        if (_pos >= _text.Length)
        {
            throw Error($"Expected '{close}' (to close the '(' of column {openColumn.ToString(CultureInfo.InvariantCulture)})", _pos + 1);
        }
        throw Error($"Expected '{close}' but found {Describe()}");
    }

    private List<MathNode> ParseList(char close, int openColumn, string what)
    {
        var items = new List<MathNode>();
        SkipSpace();
        if (_pos < _text.Length && _text[_pos] == close)
        {
            _pos++;
            return items;
        }
        while (true)
        {
            items.Add(ParseOr());
            SkipSpace();
            if (_pos < _text.Length && _text[_pos] == ',')
            {
                _pos++;
                continue;
            }
            if (_pos < _text.Length && _text[_pos] == close)
            {
                _pos++;
                return items;
            }
            if (_pos >= _text.Length)
            {
                throw Error($"Expected '{close}' (to close the {what} of column {openColumn.ToString(CultureInfo.InvariantCulture)})", _pos + 1);
            }
            throw Error($"Expected ',' or '{close}' but found {Describe()}");
        }
    }

    private NumberNode ParseNumber(int column)
    {
        var start = _pos;
        while (_pos < _text.Length && (char.IsAsciiDigit(_text[_pos]) || _text[_pos] == '.'))
        {
            _pos++;
        }
        if (_pos < _text.Length && (_text[_pos] == 'e' || _text[_pos] == 'E'))
        {
            var save = _pos;
            _pos++;
            if (_pos < _text.Length && (_text[_pos] == '+' || _text[_pos] == '-'))
            {
                _pos++;
            }
            if (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
            {
                while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
                {
                    _pos++;
                }
            }
            else
            {
                _pos = save;
            }
        }
        var token = _text.AsSpan(start, _pos - start);
        if (!double.TryParse(token, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value)
            || !double.IsFinite(value))
        {
            throw Error($"Invalid number '{token}'", column);
        }
        if (_pos < _text.Length && (char.IsAsciiLetter(_text[_pos]) || _text[_pos] == '_'))
        {
            throw Error($"Unexpected character '{_text[_pos]}' after a number", _pos + 1);
        }
        return new NumberNode(column, value);
    }

    private StringNode ParseString(int column)
    {
        var open = _text[_pos];
        // Typographic quotes (as in the console's own examples) close with their right-hand partner.
        var close = open switch
        {
            '\u201C' => '\u201D',
            '\u2018' => '\u2019',
            _ => open,
        };
        _pos++;
        var sb = new StringBuilder();
        while (_pos < _text.Length)
        {
            var c = _text[_pos++];
            if (c == close)
            {
                return new StringNode(column, sb.ToString());
            }
            if (c == '\\' && _pos < _text.Length)
            {
                sb.Append(_text[_pos++]);
                continue;
            }
            sb.Append(c);
        }
        throw Error("Unterminated string", column);
    }
}
