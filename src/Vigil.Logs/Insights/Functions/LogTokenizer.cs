namespace Vigil.Logs.Insights.Functions;

/// <summary>What a token of a log line looks like. <see cref="None"/> is a word that stays in the pattern as
/// written; every other kind is a dynamic token (shown as <c>&lt;*&gt;</c>). Flags, so that the kinds seen at one
/// pattern position can be collected; <see cref="Word"/> marks words that became dynamic when patterns merged.</summary>
[Flags]
internal enum LogTokenKind : byte
{
    None = 0,
    Number = 1,
    Time = 2,
    IPAddress = 4,
    ID = 8,
    Other = 16,
    Word = 32,
}

/// <summary>One token: a range of the line and its kind.</summary>
internal readonly record struct LogToken(int Start, int Length, LogTokenKind Kind)
{
    public bool IsDynamic => Kind != LogTokenKind.None;
}

/// <summary>
/// Splits a log line into tokens for <c>pattern</c>. Rules, in order:
/// <list type="number">
/// <item>Whitespace, control characters and <c>, ; = &amp; ? ( ) [ ] { } " ' ` &lt; &gt; |</c> separate chunks.</item>
/// <item>A chunk that is a time (<c>19:00:01</c>, <c>2024-01-01</c>, <c>10/Oct/2000:13:55:36</c>, ISO 8601), an IPv6 or
/// MAC address stays whole; others split again at <c>:</c> and <c>/</c>, so <c>status:200</c> keeps its key and a
/// path keeps its static segments.</item>
/// <item>A token with a digit is dynamic: IPv4, number (with a unit of up to three letters or %, or a version), ID
/// (letters, digits, <c>-_.</c>), else other; so is a run of 16 or more hex letters. A date followed by one space
/// and a time becomes one token.</item>
/// <item>At most <see cref="MaxTokens"/> tokens: the rest of the line is one last dynamic token.</item>
/// </list>
/// Stateless and thread-safe; the caller owns the list it passes and the list is cleared first.
/// </summary>
internal static class LogTokenizer
{
    public const int MaxTokens = 100;

    private static readonly System.Buffers.SearchValues<char> AsciiLetters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

    private static readonly System.Buffers.SearchValues<char> HexLetters = System.Buffers.SearchValues.Create("abcdefABCDEF");

    private static readonly System.Buffers.SearchValues<char> HexColonDot = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF:.");

    public static void Tokenize(string text, List<LogToken> tokens)
    {
        tokens.Clear();
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && IsHardSeparator(text[i]))
            {
                i++;
            }

            var start = i;
            while (i < text.Length && !IsHardSeparator(text[i]))
            {
                i++;
            }

            if (i > start && !AddChunk(text, start, i, tokens))
            {
                break;
            }
        }

        JoinDateAndTime(text, tokens);
    }

    /// <summary>The name AWS's docs use for a kind of dynamic token (<c>&lt;Time-1&gt;</c>), "Token" when the kinds
    /// seen at one position differ or are not recognised.</summary>
    public static string KindName(LogTokenKind kinds) => kinds switch
    {
        LogTokenKind.Number => "Number",
        LogTokenKind.Time => "Time",
        LogTokenKind.IPAddress => "IPAddress",
        LogTokenKind.ID => "ID",
        _ => "Token",
    };

    public static bool IsHardSeparator(char c) => c < 128 ? AsciiSeparators[c] : char.IsWhiteSpace(c) || char.IsControl(c);

    private static readonly bool[] AsciiSeparators = [.. Enumerable.Range(0, 128).Select(c =>
        c <= ' ' || c == 127 || ",;=&?()[]{}\"'`<>|".Contains((char)c, StringComparison.Ordinal))];

    /// <summary>Adds the chunk's tokens; false when the cap was reached and the rest of the line became the last token.</summary>
    private static bool AddChunk(string text, int start, int end, List<LogToken> tokens)
    {
        var chunk = text.AsSpan(start, end - start);
        var hasDigit = chunk.ContainsAnyInRange('0', '9');
        var soft = chunk.IndexOfAny(':', '/') >= 0;
        if ((hasDigit || soft) && !StartsWithIPv4(chunk))
        {
            if (IsTime(chunk))
            {
                return Add(text, new LogToken(start, end - start, LogTokenKind.Time), tokens);
            }

            if (IsIPv6OrMac(chunk, out var isMac))
            {
                return Add(text, new LogToken(start, end - start, isMac ? LogTokenKind.ID : LogTokenKind.IPAddress), tokens);
            }
        }

        if (!soft)
        {
            return Add(text, new LogToken(start, end - start, Classify(chunk, hasDigit)), tokens);
        }

        var pieceStart = start;
        for (var i = start; i <= end; i++)
        {
            if (i < end && text[i] is not (':' or '/'))
            {
                continue;
            }

            var piece = text.AsSpan(pieceStart, i - pieceStart);
            if (i > pieceStart && !Add(text, new LogToken(pieceStart, i - pieceStart, Classify(piece, hasDigit && piece.ContainsAnyInRange('0', '9'))), tokens))
            {
                return false;
            }

            pieceStart = i + 1;
        }

        return true;
    }

    /// <summary>Adds <paramref name="token"/>, or, as the last allowed token, everything from it to the end of the
    /// line (without trailing separators) as one dynamic token, returning false.</summary>
    private static bool Add(string text, LogToken token, List<LogToken> tokens)
    {
        if (tokens.Count < MaxTokens - 1)
        {
            tokens.Add(token);
            return true;
        }

        var end = text.Length;
        while (IsHardSeparator(text[end - 1]))
        {
            end--;
        }

        tokens.Add(new LogToken(token.Start, end - token.Start, LogTokenKind.Other));
        return false;
    }

    private static LogTokenKind Classify(ReadOnlySpan<char> piece, bool hasDigit)
    {
        if (!hasDigit)
        {
            return piece.Length >= 16 && !piece.ContainsAnyExcept(HexLetters) ? LogTokenKind.ID : LogTokenKind.None;
        }

        if (IsIPv4(piece))
        {
            return LogTokenKind.IPAddress;
        }

        if (IsNumber(piece))
        {
            return LogTokenKind.Number;
        }

        foreach (var c in piece)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return LogTokenKind.Other;
            }
        }

        return LogTokenKind.ID;
    }

    /// <summary>Optional sign, digits with dots (decimals, versions), optional exponent, then up to three letters or
    /// a percent sign (<c>12ms</c>, <c>3.5GB</c>, <c>99%</c>).</summary>
    private static bool IsNumber(ReadOnlySpan<char> s)
    {
        var i = s.Length > 0 && s[0] is '-' or '+' ? 1 : 0;
        var digits = 0;
        while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
        {
            digits += char.IsAsciiDigit(s[i]) ? 1 : 0;
            i++;
        }

        if (digits == 0)
        {
            return false;
        }

        if (i + 1 < s.Length && s[i] is 'e' or 'E' && (char.IsAsciiDigit(s[i + 1]) || (s[i + 1] is '-' or '+' && i + 2 < s.Length && char.IsAsciiDigit(s[i + 2]))))
        {
            i += 2;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }
        }

        var rest = s[i..];
        return rest is "%" || (rest.Length <= 3 && rest.IndexOfAnyExcept(AsciiLetters) < 0);
    }

    private static bool IsIPv4(ReadOnlySpan<char> s) => IPv4Length(s) == s.Length;

    private static bool StartsWithIPv4(ReadOnlySpan<char> s) => IPv4Length(s) is var n && n > 0 && (n == s.Length || s[n] is ':' or '/');

    /// <summary>The length of the dotted quad at the start of <paramref name="s"/>, or 0.</summary>
    private static int IPv4Length(ReadOnlySpan<char> s)
    {
        var i = 0;
        for (var part = 0; part < 4; part++)
        {
            if (part > 0)
            {
                if (i >= s.Length || s[i] != '.')
                {
                    return 0;
                }

                i++;
            }

            var digits = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]) && digits < 3)
            {
                i++;
                digits++;
            }

            if (digits == 0)
            {
                return 0;
            }
        }

        return i < s.Length && char.IsAsciiDigit(s[i]) ? 0 : i;
    }

    /// <summary>A clock time (a digit, a colon and two digits) or a date at the start (<c>2024-01-01</c>,
    /// <c>2024/01/01</c>, <c>01/02/2024</c>, <c>10/Oct/2000</c>).</summary>
    private static bool IsTime(ReadOnlySpan<char> s)
    {
        for (var i = 1; i + 2 < s.Length; i++)
        {
            if (s[i] == ':' && char.IsAsciiDigit(s[i - 1]) && char.IsAsciiDigit(s[i + 1]) && char.IsAsciiDigit(s[i + 2]))
            {
                return true;
            }
        }

        // NNNN-NN-NN, NNNN/NN/NN, NN/NN/NNNN and NN/Mon/NNNN: three fields, the same separator twice.
        var first = Field(s, 0, out var end1);
        if (first == 0 || end1 >= s.Length || s[end1] is not ('-' or '/'))
        {
            return false;
        }

        var separator = s[end1];
        var second = Field(s, end1 + 1, out var end2);
        if (second == 0 || end2 >= s.Length || s[end2] != separator)
        {
            return false;
        }

        var third = Field(s, end2 + 1, out var end3);
        var digitsFirst = char.IsAsciiDigit(s[0]);
        return third > 0 && digitsFirst && (end3 == s.Length || !char.IsAsciiLetterOrDigit(s[end3]))
            && ((first == 4 && second <= 2 && third <= 2) || (first <= 2 && (second <= 2 || second == 3) && third == 4));
    }

    /// <summary>The length of the run of digits, or of letters, starting at <paramref name="start"/>.</summary>
    private static int Field(ReadOnlySpan<char> s, int start, out int end)
    {
        end = start;
        if (start >= s.Length)
        {
            return 0;
        }

        var digits = char.IsAsciiDigit(s[start]);
        while (end < s.Length && (digits ? char.IsAsciiDigit(s[end]) : char.IsAsciiLetter(s[end])))
        {
            end++;
        }

        return end - start;
    }

    /// <summary>Hex digits, colons and dots with "::" or at least two colons (IPv6), or six colon-separated pairs of
    /// hex digits (a MAC address).</summary>
    private static bool IsIPv6OrMac(ReadOnlySpan<char> s, out bool isMac)
    {
        isMac = false;
        var colons = s.Count(':');
        if (colons < 2 || s.ContainsAnyExcept(HexColonDot) || s.Length < 3)
        {
            return false;
        }

        isMac = s.Length == 17 && colons == 5 && s.IndexOf("::") < 0 && !s.Contains('.');
        return true;
    }

    private static void JoinDateAndTime(string text, List<LogToken> tokens)
    {
        for (var i = tokens.Count - 2; i >= 0; i--)
        {
            var (a, b) = (tokens[i], tokens[i + 1]);
            if (a.Kind == LogTokenKind.Time && b.Kind == LogTokenKind.Time && b.Start == a.Start + a.Length + 1 && text[a.Start + a.Length] == ' ')
            {
                tokens[i] = new LogToken(a.Start, b.Start + b.Length - a.Start, LogTokenKind.Time);
                tokens.RemoveAt(i + 1);
            }
        }
    }
}
