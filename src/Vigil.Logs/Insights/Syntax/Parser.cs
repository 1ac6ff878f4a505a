using Vigil.Logs.Insights.Syntax.Ast;

namespace Vigil.Logs.Insights.Syntax;

/// <summary>
/// Recursive-descent parser for the Logs Insights query language: commands separated by <c>|</c>. Errors are
/// <see cref="InsightsQueryException"/>s that point at the offending token. Nesting is capped at
/// <see cref="MaxDepth"/> so no input can exhaust the stack.
/// </summary>
public ref partial struct Parser
{
    /// <summary>AWS caps queryString at 10,000 characters.</summary>
    public const int MaxQueryLength = 10_000;

    public const int MaxDepth = 100;

    /// <summary>The most values after <c>in</c>: a guard against pathological lists, far above real queries.</summary>
    private const int MaxListItems = 1_000;

    public const int MaxLimit = 10_000;

    private readonly string _text;
    private Lexer _lexer;
    private Token _current;
    private int _depth;

    private Parser(string text)
    {
        _text = text;
        _lexer = new Lexer(text);
        _current = _lexer.Next();
    }

    public static QueryAst Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxQueryLength)
        {
            throw new SourceSpan(MaxQueryLength, 0, 1, MaxQueryLength + 1).Error($"query is longer than {MaxQueryLength} characters");
        }

        var parser = new Parser(text);
        return parser.ParseQuery();
    }

    private QueryAst ParseQuery()
    {
        var commands = new List<Command>();
        if (_current.Kind == TokenKind.End)
        {
            throw _current.Span.Error("query is empty");
        }

        while (true)
        {
            commands.Add(ParseCommand());
            if (_current.Kind == TokenKind.End)
            {
                return new QueryAst(_text, commands);
            }

            Expect(TokenKind.Pipe);
        }
    }

    private Command ParseCommand()
    {
        var keyword = _current;
        if (keyword.Kind != TokenKind.Identifier)
        {
            throw Unexpected(keyword);
        }

        switch (keyword.Text.ToLowerInvariant())
        {
            case "fields":
                Advance();
                return new FieldsCommand(ParseProjections(), keyword.Span);
            case "filter":
                Advance();
                return new FilterCommand(ParseExpression(), keyword.Span);
            case "stats":
                Advance();
                return ParseStats(keyword);
            case "sort":
                Advance();
                return ParseSort(keyword);
            case "limit":
                Advance();
                return ParseLimit(keyword);
            case "parse":
                Advance();
                return ParseParse(keyword);
            case "display":
                Advance();
                return new DisplayCommand(ParseFieldList(), keyword.Span);
            case "dedup":
                Advance();
                return new DedupCommand(ParseFieldList(), keyword.Span);
            case "unmask":
                Advance();
                return new UnmaskCommand(AtCommandEnd() ? null : ParseExpression(), keyword.Span);
            case "pattern":
                Advance();
                return new PatternCommand(ParseExpression(), keyword.Span);
            case "diff":
                Advance();
                return new DiffCommand(ParseDiffPeriod(), keyword.Span);
            default:
                throw Unexpected(keyword);
        }
    }

    private DiffPeriod ParseDiffPeriod()
    {
        if (_current.Kind != TokenKind.Identifier)
        {
            return DiffPeriod.Previous;
        }

        var period = _current.Text.ToLowerInvariant() switch
        {
            "previousday" => DiffPeriod.PreviousDay,
            "previousweek" => DiffPeriod.PreviousWeek,
            "previousmonth" => DiffPeriod.PreviousMonth,
            _ => throw Unexpected(_current),
        };
        Advance();
        return period;
    }

    private StatsCommand ParseStats(Token keyword)
    {
        var aggregations = ParseProjections();
        var groupBy = new List<Projection>();
        if (_current.IsKeyword("by"))
        {
            Advance();
            groupBy.AddRange(ParseProjections());
        }

        return new StatsCommand(aggregations, groupBy, keyword.Span);
    }

    private SortCommand ParseSort(Token keyword)
    {
        var keys = new List<SortKey>();
        do
        {
            var expr = ParseExpression();
            var descending = false;
            if (_current.IsKeyword("desc"))
            {
                descending = true;
                Advance();
            }
            else if (_current.IsKeyword("asc"))
            {
                Advance();
            }

            keys.Add(new SortKey(expr, descending));
        }
        while (TryConsume(TokenKind.Comma));

        return new SortCommand(keys, keyword.Span);
    }

    private LimitCommand ParseLimit(Token keyword)
    {
        var number = _current;
        if (number.Kind != TokenKind.Number)
        {
            throw Unexpected(number);
        }

        if (number.Number != Math.Floor(number.Number) || number.Number < 1 || number.Number > MaxLimit)
        {
            throw number.Span.Error($"limit must be a whole number from 1 to {MaxLimit}");
        }

        Advance();
        return new LimitCommand((int)number.Number, keyword.Span);
    }

    private ParseCommand ParseParse(Token keyword)
    {
        Expr source = new FieldRef("@message", keyword.Span);
        if (_current.Kind is TokenKind.Identifier or TokenKind.QuotedIdentifier)
        {
            source = new FieldRef(_current.Text, _current.Span);
            Advance();
        }

        var pattern = _current;
        if (pattern.Kind == TokenKind.Slash)
        {
            var regex = _lexer.ReadRegex(pattern);
            _current = _lexer.Next();
            return new ParseCommand(source, regex.Text, IsRegex: true, [], regex.Span, keyword.Span);
        }

        if (pattern.Kind != TokenKind.String)
        {
            throw Unexpected(pattern);
        }

        Advance();
        var names = new List<string>();
        if (_current.IsKeyword("as"))
        {
            Advance();
            do
            {
                names.Add(ParseName());
            }
            while (TryConsume(TokenKind.Comma));
        }

        var wildcards = pattern.Text.Count(c => c == '*');
        if (wildcards == 0 || wildcards != names.Count)
        {
            throw pattern.Span.Error($"parse pattern has {wildcards} wildcards but {names.Count} field names");
        }

        return new ParseCommand(source, pattern.Text, IsRegex: false, names, pattern.Span, keyword.Span);
    }

    private List<Projection> ParseProjections()
    {
        var items = new List<Projection>();
        do
        {
            var expr = ParseExpression();
            if (_current.IsKeyword("as"))
            {
                Advance();
                items.Add(new Projection(expr, ParseName(), Aliased: true));
            }
            else
            {
                items.Add(new Projection(expr, expr is FieldRef field ? field.Name : SourceText(expr.Span), Aliased: false));
            }
        }
        while (TryConsume(TokenKind.Comma));

        return items;
    }

    private List<FieldRef> ParseFieldList()
    {
        var fields = new List<FieldRef>();
        do
        {
            var token = _current;
            fields.Add(new FieldRef(ParseName(), token.Span));
        }
        while (TryConsume(TokenKind.Comma));

        return fields;
    }

    /// <summary>A field name after <c>as</c>, <c>display</c>, <c>dedup</c>: bare or backticked, not a reserved word.</summary>
    private string ParseName()
    {
        var token = _current;
        if (token.Kind == TokenKind.QuotedIdentifier || (token.Kind == TokenKind.Identifier && !IsReserved(token)))
        {
            Advance();
            return token.Text;
        }

        throw Unexpected(token);
    }

    private readonly bool AtCommandEnd() => _current.Kind is TokenKind.Pipe or TokenKind.End;

    private readonly string SourceText(SourceSpan span) => _text.Substring(span.Offset, span.Length).Trim();

    private void Advance() => _current = _lexer.Next();

    private bool TryConsume(TokenKind kind)
    {
        if (_current.Kind != kind)
        {
            return false;
        }

        Advance();
        return true;
    }

    private Token Expect(TokenKind kind)
    {
        var token = _current;
        if (token.Kind != kind)
        {
            throw Unexpected(token);
        }

        Advance();
        return token;
    }

    /// <summary>The next token after the current one, without consuming anything.</summary>
    private Token PeekNext()
    {
        var state = _lexer.State;
        var next = _lexer.Next();
        _lexer.Restore(state);
        return next;
    }

    private static bool IsReserved(Token token) =>
        token.IsKeyword("and") || token.IsKeyword("or") || token.IsKeyword("not") || token.IsKeyword("like")
        || token.IsKeyword("in") || token.IsKeyword("as") || token.IsKeyword("by");

    private readonly InsightsQueryException Unexpected(Token token) => token.Kind == TokenKind.End
        ? token.Span.Error("unexpected end of query")
        : token.Span.Error($"unexpected symbol found {_text.Substring(token.Span.Offset, token.Span.Length)}");
}
