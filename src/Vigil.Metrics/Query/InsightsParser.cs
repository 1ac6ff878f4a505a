using System.Globalization;
using System.Text;
using Vigil.Metrics.Model;

namespace Vigil.Metrics.Query;

/// <summary>The aggregate functions of Metrics Insights, in SELECT and in ORDER BY.</summary>
public enum InsightsFunction
{
    Avg,
    Count,
    Max,
    Min,
    Sum,
}

/// <summary>One WHERE condition: <c>Dimension = 'Value'</c> or <c>Dimension != 'Value'</c>.</summary>
public readonly record struct InsightsCondition(string Dimension, string Value, bool NotEqual);

/// <summary>Lexer and recursive-descent parser of a Metrics Insights statement.</summary>
internal sealed class InsightsParser(string sql)
{
    private enum Kind { End, Identifier, QuotedIdentifier, String, Number, LParen, RParen, Comma, Equals, NotEquals }

    // Words Metrics Insights reserves that a query could plausibly use as a bare name; they must be double-quoted.
    // (AWS reserves many more SQL words; accepting those bare is the lenient side.)
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "ALL", "AND", "ANY", "AS", "ASC", "AVG", "BETWEEN", "BY", "CASE", "CAST", "COUNT", "DESC", "DISTINCT", "ELSE",
        "END", "EXISTS", "FALSE", "FROM", "FULL", "GROUP", "HAVING", "IN", "INNER", "IS", "JOIN", "LEFT", "LIKE", "LIMIT",
        "MAX", "MIN", "NOT", "NULL", "OFFSET", "ON", "OR", "ORDER", "OUTER", "RIGHT", "SCHEMA", "SEARCH", "SELECT", "SUM",
        "TABLE", "THEN", "TRUE", "UNION", "WHEN", "WHERE", "WITH",
    };

    private int _pos;
    private int _start;
    private Kind _kind;
    private string _text = "";

    public InsightsQuery Parse()
    {
        Next();
        ExpectKeyword("SELECT");
        var function = ParseFunctionName();
        Expect(Kind.LParen, "'('");
        var metricName = ParseName("a metric name");
        Expect(Kind.RParen, "')'");

        ExpectKeyword("FROM");
        string ns;
        string[]? schema = null;
        if (IsKeyword("SCHEMA"))
        {
            Next();
            Expect(Kind.LParen, "'('");
            ns = ParseName("a namespace");
            var dims = new List<string>();
            while (_kind == Kind.Comma)
            {
                Next();
                dims.Add(ParseName("a dimension name"));
            }
            Expect(Kind.RParen, "')'");
            schema = [.. dims.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        }
        else
        {
            ns = ParseName("a namespace or SCHEMA(…)");
        }

        var conditions = new List<InsightsCondition>();
        if (IsKeyword("WHERE"))
        {
            Next();
            conditions.Add(ParseCondition());
            while (IsKeyword("AND"))
            {
                Next();
                conditions.Add(ParseCondition());
            }
            if (IsKeyword("OR") || IsKeyword("IN") || IsKeyword("LIKE") || IsKeyword("NOT"))
            {
                throw Error($"{_text.ToUpperInvariant()} is not supported in WHERE; use =, != and AND");
            }
        }

        var groupBy = new List<string>();
        if (IsKeyword("GROUP"))
        {
            Next();
            ExpectKeyword("BY");
            groupBy.Add(ParseName("a dimension name"));
            while (_kind == Kind.Comma)
            {
                Next();
                groupBy.Add(ParseName("a dimension name"));
            }
        }

        InsightsFunction? orderBy = null;
        var descending = false;
        if (IsKeyword("ORDER"))
        {
            Next();
            ExpectKeyword("BY");
            orderBy = ParseFunctionName();
            Expect(Kind.LParen, "'('");
            Expect(Kind.RParen, "')' (ORDER BY functions take no argument)");
            if (IsKeyword("DESC"))
            {
                descending = true;
                Next();
            }
            else if (IsKeyword("ASC"))
            {
                Next();
            }
        }

        int? limit = null;
        if (IsKeyword("LIMIT"))
        {
            Next();
            if (_kind != Kind.Number)
            {
                throw Error("LIMIT must be followed by a whole number");
            }
            if (!int.TryParse(_text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > InsightsQuery.MaxSeries)
            {
                throw Error($"LIMIT must be between 1 and {InsightsQuery.MaxSeries}");
            }
            limit = n;
            Next();
        }

        if (_kind != Kind.End)
        {
            throw Error($"unexpected {Describe()}");
        }
        return new InsightsQuery(function, metricName, ns, schema, [.. conditions], [.. groupBy], orderBy, descending, limit);
    }

    private InsightsCondition ParseCondition()
    {
        var dimension = ParseName("a dimension name");
        bool notEqual;
        if (_kind == Kind.Equals)
        {
            notEqual = false;
        }
        else if (_kind == Kind.NotEquals)
        {
            notEqual = true;
        }
        else
        {
            throw Error($"expected = or != after {dimension} but found {Describe()}");
        }
        Next();
        if (_kind != Kind.String)
        {
            throw Error($"the value compared with {dimension} must be in single quotes");
        }
        var value = _text;
        Next();
        return new InsightsCondition(dimension, value, notEqual);
    }

    private InsightsFunction ParseFunctionName()
    {
        if (_kind == Kind.Identifier)
        {
            InsightsFunction? f = _text.ToUpperInvariant() switch
            {
                "AVG" => InsightsFunction.Avg,
                "COUNT" => InsightsFunction.Count,
                "MAX" => InsightsFunction.Max,
                "MIN" => InsightsFunction.Min,
                "SUM" => InsightsFunction.Sum,
                _ => null,
            };
            if (f is { } found)
            {
                Next();
                return found;
            }
        }
        throw Error($"expected one of AVG, COUNT, MAX, MIN, SUM but found {Describe()}");
    }

    /// <summary>A namespace, metric or dimension name: bare (letters, digits, underscore; not reserved) or double-quoted.</summary>
    private string ParseName(string what)
    {
        if (_kind == Kind.QuotedIdentifier || (_kind == Kind.Identifier && !Reserved.Contains(_text)))
        {
            var name = _text;
            Next();
            if (name.Length == 0)
            {
                throw Error($"{what} must not be empty");
            }
            return name;
        }
        if (_kind == Kind.Identifier)
        {
            throw Error($"{_text} is a reserved keyword; put it in double quotes to use it as {what}");
        }
        throw Error($"expected {what} but found {Describe()}");
    }

    private bool IsKeyword(string keyword) => _kind == Kind.Identifier && string.Equals(_text, keyword, StringComparison.OrdinalIgnoreCase);

    private void ExpectKeyword(string keyword)
    {
        if (!IsKeyword(keyword))
        {
            throw Error($"expected {keyword} but found {Describe()}");
        }
        Next();
    }

    private void Expect(Kind kind, string what)
    {
        if (_kind != kind)
        {
            throw Error($"expected {what} but found {Describe()}");
        }
        Next();
    }

    private string Describe() => _kind switch
    {
        Kind.End => "the end of the query",
        Kind.QuotedIdentifier => $"\"{_text}\"",
        Kind.String => $"'{_text}'",
        _ => $"'{_text}'",
    };

    private void Next()
    {
        while (_pos < sql.Length && char.IsWhiteSpace(sql[_pos]))
        {
            _pos++;
        }
        _start = _pos;
        if (_pos >= sql.Length)
        {
            _kind = Kind.End;
            _text = "";
            return;
        }
        var c = sql[_pos];
        switch (c)
        {
            case '(':
                Single(Kind.LParen);
                return;
            case ')':
                Single(Kind.RParen);
                return;
            case ',':
                Single(Kind.Comma);
                return;
            case '=':
                Single(Kind.Equals);
                return;
            case '!' when _pos + 1 < sql.Length && sql[_pos + 1] == '=':
                _pos += 2;
                _kind = Kind.NotEquals;
                _text = "!=";
                return;
            case '"':
                _text = ReadQuoted('"');
                _kind = Kind.QuotedIdentifier;
                return;
            case '\'':
                _text = ReadQuoted('\'');
                _kind = Kind.String;
                return;
        }
        if (char.IsAsciiLetterOrDigit(c) || c == '_')
        {
            // A bare run of letters, digits and underscores: a number when all digits, else a name ("5xxErrors").
            while (_pos < sql.Length && (char.IsAsciiLetterOrDigit(sql[_pos]) || sql[_pos] == '_'))
            {
                _pos++;
            }
            _text = sql[_start.._pos];
            _kind = _text.All(char.IsAsciiDigit) ? Kind.Number : Kind.Identifier;
            return;
        }
        throw Error($"unexpected character '{c}' (names with characters other than letters, digits and _ need double quotes)");
    }

    private void Single(Kind kind)
    {
        _text = sql[_pos].ToString();
        _pos++;
        _kind = kind;
    }

    /// <summary>Reads a quoted token; a backslash escapes the next character (\" \' \\).</summary>
    private string ReadQuoted(char quote)
    {
        _pos++;
        var sb = new StringBuilder();
        while (_pos < sql.Length)
        {
            var c = sql[_pos++];
            if (c == quote)
            {
                return sb.ToString();
            }
            if (c == '\\')
            {
                if (_pos >= sql.Length)
                {
                    break;
                }
                c = sql[_pos++];
            }
            sb.Append(c);
        }
        throw Error(quote == '"' ? "a double-quoted name is not closed" : "a single-quoted value is not closed");
    }

    private MetricQueryException Error(string what) => new($"Metrics Insights query syntax error at position {_start}: {what}.");
}
