using Vigil.Logs.Insights.Syntax.Ast;

namespace Vigil.Logs.Insights.Syntax;

/// <summary>Expressions, loosest first: <c>or</c>, <c>and</c>, <c>not</c>, comparisons (<c>= != &lt; &lt;= &gt; &gt;=
/// like =~ in</c>), <c>+ -</c>, <c>* / %</c>, unary minus, <c>^</c> (right-associative), operands.</summary>
public ref partial struct Parser
{
    private Expr ParseExpression()
    {
        Enter(_current.Span);
        var expr = ParseOr();
        _depth--;
        return expr;
    }

    /// <summary>One level deeper; the caller decrements <c>_depth</c> when the nested part is done.</summary>
    private void Enter(SourceSpan at)
    {
        if (++_depth > MaxDepth)
        {
            throw at.Error($"query is nested more than {MaxDepth} levels deep");
        }
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (_current.IsKeyword("or"))
        {
            Advance();
            var right = ParseAnd();
            left = new BinaryExpr(BinaryOp.Or, left, right, left.Span.To(right.Span));
        }

        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (_current.IsKeyword("and"))
        {
            Advance();
            var right = ParseNot();
            left = new BinaryExpr(BinaryOp.And, left, right, left.Span.To(right.Span));
        }

        return left;
    }

    private Expr ParseNot()
    {
        if (!_current.IsKeyword("not"))
        {
            return ParseComparison();
        }

        var not = _current;
        Advance();
        Enter(not.Span);
        var operand = ParseNot();
        _depth--;
        return new UnaryExpr(UnaryOp.Not, operand, not.Span.To(operand.Span));
    }

    private Expr ParseComparison()
    {
        var left = ParseAdditive();
        BinaryOp op;
        switch (_current.Kind)
        {
            case TokenKind.Equal: op = BinaryOp.Equal; break;
            case TokenKind.NotEqual: op = BinaryOp.NotEqual; break;
            case TokenKind.Less: op = BinaryOp.Less; break;
            case TokenKind.LessOrEqual: op = BinaryOp.LessOrEqual; break;
            case TokenKind.Greater: op = BinaryOp.Greater; break;
            case TokenKind.GreaterOrEqual: op = BinaryOp.GreaterOrEqual; break;
            case TokenKind.RegexMatch: op = BinaryOp.Like; break;
            case TokenKind.Identifier when _current.IsKeyword("like"): op = BinaryOp.Like; break;
            case TokenKind.Identifier when _current.IsKeyword("in"):
                Advance();
                return ParseIn(left, negated: false);
            case TokenKind.Identifier when _current.IsKeyword("not"):
                var next = PeekNext();
                if (next.IsKeyword("like"))
                {
                    Advance();
                    op = BinaryOp.NotLike;
                    break;
                }

                if (next.IsKeyword("in"))
                {
                    Advance();
                    Advance();
                    return ParseIn(left, negated: true);
                }

                return left;
            default:
                return left;
        }

        Advance();
        var right = ParseAdditive();
        return new BinaryExpr(op, left, right, left.Span.To(right.Span));
    }

    private InExpr ParseIn(Expr value, bool negated)
    {
        Expect(TokenKind.LeftBracket);
        var items = new List<Expr>();
        if (_current.Kind != TokenKind.RightBracket)
        {
            do
            {
                if (items.Count == MaxListItems)
                {
                    throw _current.Span.Error($"a list has more than {MaxListItems} values");
                }

                items.Add(ParseExpression());
            }
            while (TryConsume(TokenKind.Comma));
        }

        var close = Expect(TokenKind.RightBracket);
        return new InExpr(value, items, negated, value.Span.To(close.Span));
    }

    private Expr ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (_current.Kind is TokenKind.Plus or TokenKind.Minus)
        {
            var op = _current.Kind == TokenKind.Plus ? BinaryOp.Add : BinaryOp.Subtract;
            Advance();
            var right = ParseMultiplicative();
            left = new BinaryExpr(op, left, right, left.Span.To(right.Span));
        }

        return left;
    }

    private Expr ParseMultiplicative()
    {
        var left = ParseUnary();
        while (_current.Kind is TokenKind.Star or TokenKind.Slash or TokenKind.Percent)
        {
            var op = _current.Kind switch
            {
                TokenKind.Star => BinaryOp.Multiply,
                TokenKind.Slash => BinaryOp.Divide,
                _ => BinaryOp.Modulo,
            };
            Advance();
            var right = ParseUnary();
            left = new BinaryExpr(op, left, right, left.Span.To(right.Span));
        }

        return left;
    }

    private Expr ParseUnary()
    {
        if (_current.Kind is TokenKind.Minus or TokenKind.Plus)
        {
            var sign = _current;
            Advance();
            Enter(sign.Span);
            var operand = ParseUnary();
            _depth--;
            return sign.Kind == TokenKind.Plus ? operand : new UnaryExpr(UnaryOp.Negate, operand, sign.Span.To(operand.Span));
        }

        return ParsePower();
    }

    private Expr ParsePower()
    {
        var left = ParsePrimary();
        if (_current.Kind != TokenKind.Caret)
        {
            return left;
        }

        Advance();
        Enter(left.Span);
        var right = ParseUnary();
        _depth--;
        return new BinaryExpr(BinaryOp.Power, left, right, left.Span.To(right.Span));
    }

    private Expr ParsePrimary()
    {
        var token = _current;
        switch (token.Kind)
        {
            case TokenKind.Number:
                Advance();
                return new NumberLiteral(token.Number, token.Text, token.Span);
            case TokenKind.String:
                Advance();
                return new StringLiteral(token.Text, token.Span);
            case TokenKind.Period:
                Advance();
                return new PeriodLiteral(token.Period, token.Span);
            case TokenKind.Slash:
                var regex = _lexer.ReadRegex(token);
                _current = _lexer.Next();
                return new RegexLiteral(regex.Text, regex.Span);
            case TokenKind.QuotedIdentifier:
                Advance();
                return new FieldRef(token.Text, token.Span);
            case TokenKind.LeftParen:
                Advance();
                var inner = ParseExpression();
                Expect(TokenKind.RightParen);
                return inner;
            case TokenKind.Identifier when !IsReserved(token):
                Advance();
                return _current.Kind == TokenKind.LeftParen ? ParseCall(token) : new FieldRef(token.Text, token.Span);
            default:
                throw Unexpected(token);
        }
    }

    private CallExpr ParseCall(Token name)
    {
        Advance();
        var arguments = new List<Expr>();
        if (_current.Kind != TokenKind.RightParen)
        {
            do
            {
                if (_current.Kind == TokenKind.Star)
                {
                    arguments.Add(new StarExpr(_current.Span));
                    Advance();
                }
                else
                {
                    arguments.Add(ParseExpression());
                }
            }
            while (TryConsume(TokenKind.Comma));
        }

        var close = Expect(TokenKind.RightParen);
        return new CallExpr(name.Text, arguments, name.Span, name.Span.To(close.Span));
    }
}
