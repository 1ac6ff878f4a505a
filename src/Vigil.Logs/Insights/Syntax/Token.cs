namespace Vigil.Logs.Insights.Syntax;

public enum TokenKind : byte
{
    End,
    Identifier,
    QuotedIdentifier,
    String,
    Number,
    Period,
    Regex,
    Pipe,
    Comma,
    LeftParen,
    RightParen,
    LeftBracket,
    RightBracket,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    RegexMatch,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Caret,
}

/// <summary>One token. <see cref="Text"/> is the decoded value: string contents without quotes and with escapes
/// applied, identifier names without backticks, regex bodies without slashes.</summary>
public readonly record struct Token(TokenKind Kind, string Text, SourceSpan Span, double Number = 0, TimePeriod Period = default)
{
    /// <summary>A bare identifier equal to <paramref name="keyword"/>, ignoring case (keywords are case-insensitive;
    /// backticks make any word a field name).</summary>
    public bool IsKeyword(string keyword) => Kind == TokenKind.Identifier && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);
}
