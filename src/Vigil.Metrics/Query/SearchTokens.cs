namespace Vigil.Metrics.Query;

/// <summary>
/// How SEARCH splits names into tokens: runs of letters and digits, cut where a digit run starts or ends, where a
/// lower-case letter is followed by an upper-case one, and before the last capital of an acronym that runs into a
/// word ("SDBFailure" is SDB + Failure). Everything that is not a letter or digit only separates tokens.
/// </summary>
internal static class SearchTokens
{
    /// <summary>Names up to this length are split into a stack buffer; longer ones (rare) into a heap array.</summary>
    public const int StackLimit = 256;

    /// <summary>Writes the (start, length) of each token of <paramref name="s"/> into <paramref name="ranges"/>
    /// (at least <c>s.Length</c> long) and returns how many there are.</summary>
    public static int Split(ReadOnlySpan<char> s, Span<(int Start, int Length)> ranges)
    {
        var count = 0;
        var start = -1;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (!char.IsLetterOrDigit(c))
            {
                if (start >= 0)
                {
                    ranges[count++] = (start, i - start);
                    start = -1;
                }
                continue;
            }
            if (start >= 0 && IsBoundary(s, i))
            {
                ranges[count++] = (start, i - start);
                start = i;
            }
            else if (start < 0)
            {
                start = i;
            }
        }
        if (start >= 0)
        {
            ranges[count++] = (start, s.Length - start);
        }
        return count;
    }

    /// <summary>Whether a new token starts at <paramref name="i"/> given that <c>s[i-1]</c> is a letter or digit.</summary>
    private static bool IsBoundary(ReadOnlySpan<char> s, int i)
    {
        char p = s[i - 1], c = s[i];
        if (char.IsDigit(c) != char.IsDigit(p))
        {
            return true;
        }
        if (char.IsUpper(c) && char.IsLower(p))
        {
            return true;
        }
        // The last capital of an acronym belongs to the word it starts: "SDBFailure" -> "SDB", "Failure".
        return char.IsUpper(c) && char.IsUpper(p) && i + 1 < s.Length && char.IsLower(s[i + 1]);
    }

    /// <summary>The tokens of <paramref name="s"/> as strings (tests and the parser; not the matching hot path).</summary>
    public static string[] ToStrings(string s)
    {
        var ranges = new (int Start, int Length)[s.Length];
        var n = Split(s, ranges);
        var result = new string[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = s.Substring(ranges[i].Start, ranges[i].Length);
        }
        return result;
    }

    /// <summary>The whole-string token: every letter and digit, lower-cased ("Project2-trial333" -> "project2trial333").</summary>
    public static string Joined(string s)
    {
        var chars = new char[s.Length];
        var n = 0;
        foreach (var c in s)
        {
            if (char.IsLetterOrDigit(c))
            {
                chars[n++] = char.ToLowerInvariant(c);
            }
        }
        return new string(chars, 0, n);
    }
}

/// <summary>
/// An unquoted search word (partial match). It is tokenised like names are; a word of one token matches any one token
/// of the name ignoring case; a word of several tokens ("CustomCount", "count1") must match that run of consecutive
/// tokens with the same case. Words split by punctuation ("network-errors") match consecutive tokens, each compared by
/// its own rule. The whole lower-cased term also matches the name's whole-string token ("customcount1").
/// </summary>
internal sealed class PartialTerm
{
    private readonly string[] _parts;
    private readonly bool[] _caseSensitive;
    private readonly string _joined;

    public PartialTerm(string text)
    {
        Text = text;
        var parts = new List<string>();
        var caseSensitive = new List<bool>();
        // Words are the punctuation-separated pieces; case matters inside a word that splits into several tokens.
        foreach (var word in text.SplitWhere(static c => !char.IsLetterOrDigit(c)))
        {
            var tokens = SearchTokens.ToStrings(word);
            foreach (var t in tokens)
            {
                parts.Add(t);
                caseSensitive.Add(tokens.Length > 1);
            }
        }
        _parts = [.. parts];
        _caseSensitive = [.. caseSensitive];
        _joined = SearchTokens.Joined(text);
    }

    public string Text { get; }

    public bool Matches(string name)
    {
        if (_parts.Length == 0 || name.Length == 0)
        {
            return false;
        }
        if (JoinedEquals(name))
        {
            return true;
        }
        Span<(int Start, int Length)> ranges = name.Length <= SearchTokens.StackLimit
            ? stackalloc (int, int)[name.Length]
            : new (int, int)[name.Length];
        var n = SearchTokens.Split(name, ranges);
        var span = name.AsSpan();
        for (var first = 0; first + _parts.Length <= n; first++)
        {
            var all = true;
            for (var k = 0; k < _parts.Length && all; k++)
            {
                var (start, length) = ranges[first + k];
                all = span.Slice(start, length).Equals(_parts[k],
                    _caseSensitive[k] ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);
            }
            if (all)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Compares the name's letters and digits, lower-cased, with the term's without building a string.</summary>
    private bool JoinedEquals(string name)
    {
        var j = 0;
        foreach (var c in name)
        {
            if (!char.IsLetterOrDigit(c))
            {
                continue;
            }
            if (j == _joined.Length || char.ToLowerInvariant(c) != _joined[j])
            {
                return false;
            }
            j++;
        }
        return j == _joined.Length;
    }
}

file static class StringSplitExtensions
{
    /// <summary>Splits on every character for which <paramref name="isSeparator"/> holds, dropping empty pieces.</summary>
    public static IEnumerable<string> SplitWhere(this string s, Func<char, bool> isSeparator)
    {
        var start = 0;
        for (var i = 0; i <= s.Length; i++)
        {
            if (i == s.Length || isSeparator(s[i]))
            {
                if (i > start)
                {
                    yield return s[start..i];
                }
                start = i + 1;
            }
        }
    }
}
