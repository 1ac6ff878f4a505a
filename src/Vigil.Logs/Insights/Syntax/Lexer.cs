using System.Globalization;
using System.Text;

namespace Vigil.Logs.Insights.Syntax;

/// <summary>
/// Splits a query into tokens on demand. <c>/</c> is lexed as a slash; the parser asks for <see cref="ReadRegex"/>
/// where a regex literal may stand (an operand position, or after <c>parse field</c>), because only it knows whether
/// <c>a / b</c> divides. Comments run from <c>#</c> to the end of the line.
/// </summary>
internal ref struct Lexer
{
    private readonly ReadOnlySpan<char> _text;
    private int _position;
    private int _line;
    private int _lineStart;

    public Lexer(ReadOnlySpan<char> text)
    {
        _text = text;
        _line = 1;
    }

    /// <summary>Where the next token starts scanning; restore it to look ahead without consuming.</summary>
    public readonly (int Position, int Line, int LineStart) State => (_position, _line, _lineStart);

    public void Restore((int Position, int Line, int LineStart) state) => (_position, _line, _lineStart) = state;

    public Token Next()
    {
        SkipSpaceAndComments();
        var start = _position;
        if (start >= _text.Length)
        {
            return new Token(TokenKind.End, "", Span(start, 0));
        }

        var c = _text[start];
        if (IsIdentifierStart(c))
        {
            while (_position < _text.Length && IsIdentifierPart(_text[_position]))
            {
                _position++;
            }

            return new Token(TokenKind.Identifier, _text[start.._position].ToString(), Span(start, _position - start));
        }

        if (char.IsAsciiDigit(c))
        {
            return ReadNumber(start);
        }

        _position++;
        switch (c)
        {
            case '`':
                return ReadQuotedIdentifier(start);
            case '"' or '\'':
                return ReadString(start, c);
            case '|':
                return Simple(TokenKind.Pipe, start);
            case ',':
                return Simple(TokenKind.Comma, start);
            case '(':
                return Simple(TokenKind.LeftParen, start);
            case ')':
                return Simple(TokenKind.RightParen, start);
            case '[':
                return Simple(TokenKind.LeftBracket, start);
            case ']':
                return Simple(TokenKind.RightBracket, start);
            case '+':
                return Simple(TokenKind.Plus, start);
            case '-':
                return Simple(TokenKind.Minus, start);
            case '*':
                return Simple(TokenKind.Star, start);
            case '/':
                return Simple(TokenKind.Slash, start);
            case '%':
                return Simple(TokenKind.Percent, start);
            case '^':
                return Simple(TokenKind.Caret, start);
            case '=':
                return Follows('~') ? Simple(TokenKind.RegexMatch, start) : Simple(TokenKind.Equal, start);
            case '!' when Follows('='):
                return Simple(TokenKind.NotEqual, start);
            case '<':
                return Follows('=') ? Simple(TokenKind.LessOrEqual, start) : Simple(TokenKind.Less, start);
            case '>':
                return Follows('=') ? Simple(TokenKind.GreaterOrEqual, start) : Simple(TokenKind.Greater, start);
            default:
                var length = char.IsHighSurrogate(c) && _position < _text.Length ? 2 : 1;
                throw Span(start, length).Error($"unexpected symbol found {_text.Slice(start, Math.Min(length, _text.Length - start))}");
        }
    }

    /// <summary>Re-reads from <paramref name="slash"/> (a slash token) as a regex literal <c>/body/</c>; <c>\/</c>
    /// inside the body stays as written (an escaped slash is valid regex).</summary>
    public Token ReadRegex(Token slash)
    {
        _position = slash.Span.Offset + 1;
        _line = slash.Span.Line;
        _lineStart = slash.Span.Offset - (slash.Span.Column - 1);
        var start = slash.Span.Offset;
        while (_position < _text.Length && _text[_position] != '/')
        {
            Advance(_text[_position] == '\\' && _position + 1 < _text.Length ? 2 : 1);
        }

        if (_position >= _text.Length)
        {
            throw slash.Span.Error("unterminated regular expression");
        }

        var body = _text[(start + 1).._position].ToString();
        _position++;
        return new Token(TokenKind.Regex, body, slash.Span with { Length = _position - start });
    }

    private Token ReadNumber(int start)
    {
        while (_position < _text.Length && char.IsAsciiDigit(_text[_position]))
        {
            _position++;
        }

        var integral = true;
        if (_position + 1 < _text.Length && _text[_position] == '.' && char.IsAsciiDigit(_text[_position + 1]))
        {
            integral = false;
            _position++;
            while (_position < _text.Length && char.IsAsciiDigit(_text[_position]))
            {
                _position++;
            }
        }

        if (_position < _text.Length && (_text[_position] is 'e' or 'E'))
        {
            var after = _position + 1;
            if (after < _text.Length && (_text[after] is '+' or '-'))
            {
                after++;
            }

            if (after < _text.Length && char.IsAsciiDigit(_text[after]))
            {
                integral = false;
                _position = after;
                while (_position < _text.Length && char.IsAsciiDigit(_text[_position]))
                {
                    _position++;
                }
            }
        }

        var numberEnd = _position;
        if (_position < _text.Length && char.IsAsciiLetter(_text[_position]))
        {
            while (_position < _text.Length && char.IsAsciiLetter(_text[_position]))
            {
                _position++;
            }

            var span = Span(start, _position - start);
            if (!integral || !TimePeriod.TryParseUnit(_text[numberEnd.._position], out var unit)
                || !long.TryParse(_text[start..numberEnd], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count <= 0)
            {
                throw span.Error($"unexpected symbol found {_text[start.._position]}");
            }

            return new Token(TokenKind.Period, _text[start.._position].ToString(), span, count, new TimePeriod(count, unit));
        }

        var text = _text[start..numberEnd];
        var value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return new Token(TokenKind.Number, text.ToString(), Span(start, numberEnd - start), value);
    }

    private Token ReadQuotedIdentifier(int start)
    {
        var end = _text[_position..].IndexOf('`');
        if (end < 0)
        {
            throw Span(start, 1).Error("unterminated quoted field name");
        }

        var name = _text.Slice(_position, end).ToString();
        var span = Span(start, end + 2);
        Advance(end + 1);
        return new Token(TokenKind.QuotedIdentifier, name, span);
    }

    /// <summary>Escapes: <c>\n \t \r \\ \' \"</c>; any other backslash stays as written, so regex-like text
    /// (<c>"\d"</c>) survives in strings.</summary>
    private Token ReadString(int start, char quote)
    {
        var builder = new StringBuilder();
        var line = _line;
        var column = start - _lineStart + 1;
        while (true)
        {
            if (_position >= _text.Length)
            {
                throw new SourceSpan(start, 1, line, column).Error("unterminated string");
            }

            var c = _text[_position];
            if (c == quote)
            {
                _position++;
                break;
            }

            if (c == '\\' && _position + 1 < _text.Length)
            {
                var next = _text[_position + 1];
                switch (next)
                {
                    case 'n': builder.Append('\n'); break;
                    case 't': builder.Append('\t'); break;
                    case 'r': builder.Append('\r'); break;
                    case '\\' or '\'' or '"': builder.Append(next); break;
                    default: builder.Append(c).Append(next); break;
                }

                Advance(2);
                continue;
            }

            builder.Append(c);
            Advance(1);
        }

        return new Token(TokenKind.String, builder.ToString(), new SourceSpan(start, _position - start, line, column));
    }

    private void SkipSpaceAndComments()
    {
        while (_position < _text.Length)
        {
            var c = _text[_position];
            if (c == '#')
            {
                while (_position < _text.Length && _text[_position] != '\n')
                {
                    _position++;
                }
            }
            else if (char.IsWhiteSpace(c))
            {
                Advance(1);
            }
            else
            {
                return;
            }
        }
    }

    private void Advance(int count)
    {
        for (var i = 0; i < count && _position < _text.Length; i++)
        {
            if (_text[_position++] == '\n')
            {
                _line++;
                _lineStart = _position;
            }
        }
    }

    private bool Follows(char c)
    {
        if (_position < _text.Length && _text[_position] == c)
        {
            _position++;
            return true;
        }

        return false;
    }

    private readonly Token Simple(TokenKind kind, int start) => new(kind, _text[start.._position].ToString(), Span(start, _position - start));

    private readonly SourceSpan Span(int start, int length) => new(start, length, _line, start - _lineStart + 1);

    private static bool IsIdentifierStart(char c) => char.IsLetter(c) || c is '_' or '@';

    private static bool IsIdentifierPart(char c) => char.IsLetterOrDigit(c) || c is '_' or '@' or '.';
}
