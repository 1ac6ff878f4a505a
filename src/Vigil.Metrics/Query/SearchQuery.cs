using System.Text;
using Vigil.Metrics.Model;

namespace Vigil.Metrics.Query;

/// <summary>
/// The query of a CloudWatch SEARCH expression (the first argument of <c>SEARCH('…', 'Average', 300)</c>), parsed.
/// <para>
/// Grammar: an optional schema <c>{Namespace, Dim1, Dim2}</c> first (names bare or in double quotes, separated by
/// commas or spaces; a metric must be in that namespace and have exactly that set of dimension names, none when only
/// the namespace is given), then an optional search term. Terms: bare words match tokens (see
/// <see cref="PartialTerm"/>), <c>"quoted"</c> text matches a whole name exactly (<c>\</c> escapes <c>" \ ( )</c>),
/// both against the namespace, metric name, dimension names and dimension values. <c>MetricName=</c>,
/// <c>Namespace=</c> and <c>DimName=</c> restrict a term (or a parenthesised <c>(a OR b)</c> group) to that property.
/// <c>AND</c>, <c>OR</c>, <c>NOT</c> (upper case only) and parentheses combine terms; adjacent terms are ANDed; NOT binds
/// tightest, then AND, then OR. The whole query is at most <see cref="MaxLength"/> characters.
/// </para>
/// Cross-account terms (<c>:aws.AccountId</c>) are rejected: a Vigil source is one account.
/// </summary>
public sealed class SearchQuery
{
    /// <summary>AWS's limit on the query text of a SEARCH expression.</summary>
    public const int MaxLength = 1024;

    private readonly SearchNode? _term;
    private readonly string[]? _schemaDimensions;

    private SearchQuery(string? schemaNamespace, string[]? schemaDimensions, SearchNode? term)
    {
        Namespace = schemaNamespace;
        _schemaDimensions = schemaDimensions;
        _term = term;
    }

    /// <summary>The schema's namespace, or null when the query has no schema.</summary>
    public string? Namespace { get; }

    /// <summary>The schema's dimension names (sorted, ordinal), or null when the query has no schema.</summary>
    public IReadOnlyList<string>? SchemaDimensions => _schemaDimensions;

    public static SearchQuery Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new MetricQueryException($"The search expression query must be {MaxLength} characters or fewer; it has {text.Length}.");
        }
        return new SearchParser(text).ParseQuery();
    }

    public bool Matches(MetricIdentity metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        if (Namespace is not null)
        {
            if (!string.Equals(metric.Namespace, Namespace, StringComparison.Ordinal) || metric.Dimensions.Count != _schemaDimensions!.Length)
            {
                return false;
            }
            // Both lists are sorted ordinally, so an exact set compares element by element.
            for (var i = 0; i < _schemaDimensions.Length; i++)
            {
                if (!string.Equals(metric.Dimensions[i].Name, _schemaDimensions[i], StringComparison.Ordinal))
                {
                    return false;
                }
            }
        }
        return _term is null || _term.Matches(metric);
    }

    internal static SearchQuery Create(string? schemaNamespace, string[]? schemaDimensions, SearchNode? term) =>
        new(schemaNamespace, schemaDimensions, term);
}

/// <summary>Which part of a metric a term is compared with.</summary>
internal enum SearchProperty
{
    Any,
    MetricName,
    Namespace,
    Dimension,
}

internal abstract class SearchNode
{
    public abstract bool Matches(MetricIdentity metric);
}

internal sealed class AndNode(SearchNode[] children) : SearchNode
{
    public override bool Matches(MetricIdentity metric)
    {
        foreach (var c in children)
        {
            if (!c.Matches(metric))
            {
                return false;
            }
        }
        return true;
    }
}

internal sealed class OrNode(SearchNode[] children) : SearchNode
{
    public override bool Matches(MetricIdentity metric)
    {
        foreach (var c in children)
        {
            if (c.Matches(metric))
            {
                return true;
            }
        }
        return false;
    }
}

internal sealed class NotNode(SearchNode child) : SearchNode
{
    public override bool Matches(MetricIdentity metric) => !child.Matches(metric);
}

/// <summary>One exact (<see cref="Exact"/> set) or partial term, restricted to a property or not.</summary>
internal sealed class TermNode(SearchProperty property, string? dimension, string? exact, PartialTerm? partial) : SearchNode
{
    public string? Exact => exact;

    public override bool Matches(MetricIdentity metric)
    {
        switch (property)
        {
            case SearchProperty.MetricName:
                return Test(metric.MetricName);
            case SearchProperty.Namespace:
                return Test(metric.Namespace);
            case SearchProperty.Dimension:
                var value = metric.DimensionValue(dimension!);
                return value is not null && Test(value);
            default:
                if (Test(metric.MetricName) || Test(metric.Namespace))
                {
                    return true;
                }
                foreach (var d in metric.Dimensions)
                {
                    if (Test(d.Name) || Test(d.Value))
                    {
                        return true;
                    }
                }
                return false;
        }
    }

    private bool Test(string s) => exact is not null ? string.Equals(s, exact, StringComparison.Ordinal) : partial!.Matches(s);
}

/// <summary>Recursive-descent parser of the SEARCH query text.</summary>
internal sealed class SearchParser(string text)
{
    private enum Kind { End, Word, Quoted, LParen, RParen, Equals }

    private int _pos;
    private Kind _kind;
    private string _value = "";
    private int _tokenStart;

    public SearchQuery ParseQuery()
    {
        SkipSpace();
        string? ns = null;
        string[]? dims = null;
        if (_pos < text.Length && text[_pos] == '{')
        {
            (ns, dims) = ParseSchema();
            SkipSpace();
            // AWS's own examples put a comma between the schema and the term: "{AWS/Lambda, FunctionName}, Errors".
            if (_pos < text.Length && text[_pos] == ',')
            {
                _pos++;
            }
        }
        Next();
        SearchNode? term = null;
        if (_kind != Kind.End)
        {
            term = ParseOr(SearchProperty.Any, null);
            if (_kind != Kind.End)
            {
                throw Error(_kind == Kind.RParen ? "unbalanced ')'" : $"unexpected '{Describe()}'");
            }
        }
        else if (ns is null)
        {
            throw new MetricQueryException("A search expression must contain a metric schema, a search term, or both.");
        }
        return SearchQuery.Create(ns, dims, term);
    }

    private (string Namespace, string[] Dimensions) ParseSchema()
    {
        _pos++; // '{'
        var names = new List<string>();
        while (true)
        {
            SkipSpace();
            if (_pos >= text.Length)
            {
                throw Error("the metric schema is missing its closing '}'");
            }
            var c = text[_pos];
            if (c == '}')
            {
                _pos++;
                break;
            }
            if (c == ',')
            {
                _pos++;
                continue;
            }
            if (c == '"')
            {
                names.Add(ReadQuoted());
                continue;
            }
            var start = _pos;
            while (_pos < text.Length && !char.IsWhiteSpace(text[_pos]) && text[_pos] is not (',' or '}' or '{' or '"' or '(' or ')'))
            {
                _pos++;
            }
            if (_pos == start)
            {
                throw Error($"unexpected '{text[_pos]}' in the metric schema");
            }
            names.Add(text[start.._pos]);
        }
        if (names.Count == 0 || names[0].Length == 0)
        {
            throw Error("the metric schema must start with a namespace");
        }
        var dims = names.Skip(1).Distinct(StringComparer.Ordinal).ToArray();
        Array.Sort(dims, StringComparer.Ordinal);
        return (names[0], dims);
    }

    // or := and ('OR' and)*
    private SearchNode ParseOr(SearchProperty property, string? dimension)
    {
        var first = ParseAnd(property, dimension);
        if (!IsKeyword("OR"))
        {
            return first;
        }
        var list = new List<SearchNode> { first };
        while (IsKeyword("OR"))
        {
            Next();
            list.Add(ParseAnd(property, dimension));
        }
        return new OrNode([.. list]);
    }

    // and := not (['AND'] not)*  — terms side by side are ANDed.
    private SearchNode ParseAnd(SearchProperty property, string? dimension)
    {
        var first = ParseNot(property, dimension);
        var list = new List<SearchNode> { first };
        while (true)
        {
            if (IsKeyword("AND"))
            {
                Next();
                list.Add(ParseNot(property, dimension));
            }
            else if (_kind is Kind.Word or Kind.Quoted or Kind.LParen && !IsKeyword("OR"))
            {
                list.Add(ParseNot(property, dimension));
            }
            else
            {
                break;
            }
        }
        return list.Count == 1 ? first : new AndNode([.. list]);
    }

    private SearchNode ParseNot(SearchProperty property, string? dimension)
    {
        if (IsKeyword("NOT"))
        {
            Next();
            return new NotNode(ParseNot(property, dimension));
        }
        return ParsePrimary(property, dimension);
    }

    private SearchNode ParsePrimary(SearchProperty property, string? dimension)
    {
        switch (_kind)
        {
            case Kind.LParen:
                Next();
                var inner = ParseOr(property, dimension);
                Expect(Kind.RParen, "')'");
                return inner;
            case Kind.Word or Kind.Quoted:
                if (IsKeyword("AND") || IsKeyword("OR"))
                {
                    throw Error($"'{_value}' needs a term before it");
                }
                var quoted = _kind == Kind.Quoted;
                var value = _value;
                Next();
                if (_kind == Kind.Equals)
                {
                    return ParseDesignator(value, property);
                }
                return quoted
                    ? new TermNode(property, dimension, value, null)
                    : new TermNode(property, dimension, null, new PartialTerm(value));
            case Kind.End:
                throw Error("the search term ends where a term was expected");
            default:
                throw Error($"unexpected '{Describe()}'");
        }
    }

    private SearchNode ParseDesignator(string name, SearchProperty outer)
    {
        if (outer != SearchProperty.Any)
        {
            throw Error($"'{name}=' cannot be used inside another property's value");
        }
        if (name.StartsWith(':'))
        {
            throw Error($"'{name}' is not supported: cross-account search needs a monitoring account");
        }
        if (name.Length == 0)
        {
            throw Error("a property name before '=' is empty");
        }
        Next(); // '='
        var (property, dimension) = name switch
        {
            "MetricName" => (SearchProperty.MetricName, (string?)null),
            "Namespace" => (SearchProperty.Namespace, null),
            _ => (SearchProperty.Dimension, name),
        };
        switch (_kind)
        {
            case Kind.LParen:
                Next();
                var group = ParseOr(property, dimension);
                Expect(Kind.RParen, "')'");
                return group;
            case Kind.Quoted:
                var exact = _value;
                Next();
                return new TermNode(property, dimension, exact, null);
            case Kind.Word when !IsKeyword("AND") && !IsKeyword("OR") && !IsKeyword("NOT"):
                var partial = _value;
                Next();
                return new TermNode(property, dimension, null, new PartialTerm(partial));
            default:
                throw Error($"'{name}=' must be followed by a value");
        }
    }

    private bool IsKeyword(string keyword) => _kind == Kind.Word && string.Equals(_value, keyword, StringComparison.Ordinal);

    private void Expect(Kind kind, string what)
    {
        if (_kind != kind)
        {
            throw Error($"expected {what} but found {(_kind == Kind.End ? "the end of the query" : "'" + Describe() + "'")}");
        }
        Next();
    }

    private string Describe() => _kind switch
    {
        Kind.LParen => "(",
        Kind.RParen => ")",
        Kind.Equals => "=",
        Kind.Quoted => "\"" + _value + "\"",
        _ => _value,
    };

    private void Next()
    {
        SkipSpace();
        _tokenStart = _pos;
        if (_pos >= text.Length)
        {
            _kind = Kind.End;
            _value = "";
            return;
        }
        var c = text[_pos];
        switch (c)
        {
            case '(':
                _pos++;
                _kind = Kind.LParen;
                return;
            case ')':
                _pos++;
                _kind = Kind.RParen;
                return;
            case '=':
                _pos++;
                _kind = Kind.Equals;
                return;
            case '"':
                _value = ReadQuoted();
                _kind = Kind.Quoted;
                return;
            case '{' or '}':
                throw Error("the metric schema must come first in the query");
        }
        var start = _pos;
        while (_pos < text.Length && !char.IsWhiteSpace(text[_pos]) && text[_pos] is not ('(' or ')' or '=' or '"' or '{' or '}'))
        {
            _pos++;
        }
        _value = text[start.._pos];
        _kind = Kind.Word;
    }

    /// <summary>Reads a double-quoted string at <see cref="_pos"/>; a backslash takes the next character literally.</summary>
    private string ReadQuoted()
    {
        var open = _pos++;
        var sb = new StringBuilder();
        while (_pos < text.Length)
        {
            var c = text[_pos++];
            if (c == '"')
            {
                return sb.ToString();
            }
            if (c == '\\')
            {
                if (_pos >= text.Length)
                {
                    break;
                }
                c = text[_pos++];
            }
            sb.Append(c);
        }
        _pos = open;
        throw Error("a double-quoted string is not closed");
    }

    private void SkipSpace()
    {
        while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
        {
            _pos++;
        }
    }

    private MetricQueryException Error(string what) =>
        new($"Invalid search expression at position {Math.Min(_tokenStart, _pos)}: {what}.");
}
