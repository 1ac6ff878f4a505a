using System.Text;
using Vigil.Logs.Insights.Functions;

namespace Vigil.Logs.Insights.Execution;

/// <summary>A pattern's severity, from the words of its events: ordered so that the highest one wins.</summary>
internal enum PatternSeverity : byte
{
    Info,
    Debug,
    Warn,
    Error,
}

/// <summary>
/// One candidate pattern: a line's shape with its dynamic tokens blanked (<see cref="Tokens"/> null there), the
/// separators as written (whitespace runs as one space, the ends trimmed), and what its events had: counts in the
/// query window and in the comparison window, the kinds and sampled values of each dynamic token (the first
/// <see cref="ValuePositions"/> positions only) and the highest severity word. The <see cref="Key"/> spells the shape
/// ("\u0001" for a dynamic token), so two signatures with the same key are the same pattern. Not thread-safe.
/// </summary>
internal sealed class PatternSignature
{
    public const char Dynamic = '\u0001';

    /// <summary>Token values are kept for this many leading positions: bounds memory at 32 × 10 values.</summary>
    public const int ValuePositions = 32;

    /// <summary>The coarsest <see cref="ApplyLevel"/>: one pattern per token count, the separators dropped.</summary>
    public const int MaxLevel = 10;

    private static readonly int[] WordsKept = [int.MaxValue, 32, 16, 8, 6, 4, 3, 2, 1, 0];

    private PatternSignature(string prefix, string?[] tokens, string[] separators)
    {
        Prefix = prefix;
        Tokens = tokens;
        Separators = separators;
        Kinds = new LogTokenKind[tokens.Length];
        Values = new TokenValueSample?[Math.Min(tokens.Length, ValuePositions)];
        Key = "";
    }

    public string Key { get; private set; }

    public string Prefix { get; private set; }

    public string?[] Tokens { get; }

    /// <summary>The text after each token (the last one: the line's end).</summary>
    public string[] Separators { get; }

    public LogTokenKind[] Kinds { get; }

    public TokenValueSample?[] Values { get; }

    public long Current { get; private set; }

    public long Previous { get; private set; }

    public PatternSeverity Severity { get; private set; }

    /// <summary>How many words a shape keeps at a coarsening level, counted from the start (later ones become
    /// dynamic): all, then 32, 16, 8, 6, 4, 3, 2, 1, none. Severity words are kept and not counted, so ERROR and INFO
    /// lines stay apart, until level <see cref="MaxLevel"/>, which blanks every word and drops the separators.</summary>
    public static int WordsKeptAt(int level) => level < WordsKept.Length ? WordsKept[level] : 0;

    /// <summary>Whether the word at a position survives coarsening to a level, given the words kept before it.</summary>
    private static bool Keeps(int level, int wordsBefore, ReadOnlySpan<char> word) =>
        wordsBefore < WordsKeptAt(level) || (level < MaxLevel && SeverityOf(word) != PatternSeverity.Info);

    public static PatternSignature Create(string text, List<LogToken> tokens, int level)
    {
        var words = new string?[tokens.Count];
        var separators = new string[tokens.Count];
        for (var i = 0; i < tokens.Count; i++)
        {
            words[i] = tokens[i].IsDynamic ? null : text.Substring(tokens[i].Start, tokens[i].Length);
            separators[i] = Normalize(text, tokens, i);
        }

        var signature = new PatternSignature(Normalize(text, tokens, -1), words, separators);
        signature.ApplyLevel(level);
        return signature;
    }

    /// <summary>Writes the key that <see cref="Create"/> would give this line at <paramref name="level"/>.</summary>
    public static void WriteKey(string text, List<LogToken> tokens, int level, CharBuffer key)
    {
        key.Clear();
        if (level < MaxLevel)
        {
            AppendNormalized(key, text, tokens, -1);
        }

        var words = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            var word = text.AsSpan(tokens[i].Start, tokens[i].Length);
            if (tokens[i].IsDynamic || !Keeps(level, words, word))
            {
                key.Append(Dynamic);
            }
            else
            {
                key.Append(word);
                words += level == 0 || SeverityOf(word) == PatternSeverity.Info ? 1 : 0;
            }

            if (level < MaxLevel)
            {
                AppendNormalized(key, text, tokens, i);
            }
            else if (i < tokens.Count - 1)
            {
                key.Append(' ');
            }
        }
    }

    /// <summary>Counts one line of this shape: in the comparison window (<paramref name="previous"/>) only its
    /// count and kinds, else also its token values.</summary>
    public void Observe(string text, List<LogToken> tokens, bool previous, PatternSeverity severity)
    {
        Severity = (PatternSeverity)Math.Max((int)Severity, (int)severity);
        if (previous)
        {
            Previous++;
        }
        else
        {
            Current++;
        }

        for (var i = 0; i < Tokens.Length; i++)
        {
            if (Tokens[i] is not null)
            {
                continue;
            }

            var token = tokens[i];
            Kinds[i] |= token.IsDynamic ? token.Kind : LogTokenKind.Word;
            if (!previous && i < Values.Length)
            {
                (Values[i] ??= new TokenValueSample()).Add(text.AsSpan(token.Start, token.Length), 1);
            }
        }
    }

    /// <summary>Makes position <paramref name="i"/> dynamic; its word becomes a value seen <see cref="Current"/> times.</summary>
    public void Generalize(int i)
    {
        if (Tokens[i] is not { } word)
        {
            return;
        }

        if (i < Values.Length && Current > 0)
        {
            (Values[i] ??= new TokenValueSample()).Add(word, Current);
        }

        Kinds[i] |= LogTokenKind.Word;
        Tokens[i] = null;
    }

    /// <summary>Coarsens to <paramref name="level"/> (see <see cref="WordsKeptAt"/>) and recomputes the key.
    /// Coarsening is a function of the shape alone, and a coarser level of a finer one equals the coarser level of
    /// the original, which is what keeps merged results independent of how events were split.</summary>
    public void ApplyLevel(int level)
    {
        var words = 0;
        for (var i = 0; i < Tokens.Length; i++)
        {
            if (Tokens[i] is not { } word)
            {
                continue;
            }

            if (!Keeps(level, words, word))
            {
                Generalize(i);
                continue;
            }

            words += level == 0 || SeverityOf(word) == PatternSeverity.Info ? 1 : 0;
        }

        if (level >= MaxLevel)
        {
            Prefix = "";
            for (var i = 0; i < Separators.Length; i++)
            {
                Separators[i] = i < Separators.Length - 1 ? " " : "";
            }
        }

        var key = new StringBuilder(Prefix);
        for (var i = 0; i < Tokens.Length; i++)
        {
            key.Append(Tokens[i] ?? Dynamic.ToString()).Append(Separators[i]);
        }

        Key = key.ToString();
    }

    /// <summary>Adds <paramref name="other"/>'s counts, kinds, values and severity; same shape as this one.</summary>
    public void MergeFrom(PatternSignature other)
    {
        Current += other.Current;
        Previous += other.Previous;
        Severity = (PatternSeverity)Math.Max((int)Severity, (int)other.Severity);
        for (var i = 0; i < Tokens.Length; i++)
        {
            Kinds[i] |= other.Kinds[i];
            if (i < Values.Length && other.Values[i] is { } values)
            {
                (Values[i] ??= new TokenValueSample()).Merge(values);
            }
        }
    }

    /// <summary>The pattern as shown: words and separators, <c>&lt;*&gt;</c> for each dynamic token.</summary>
    public string Render()
    {
        var text = new StringBuilder(Prefix);
        for (var i = 0; i < Tokens.Length; i++)
        {
            text.Append(Tokens[i] ?? "<*>").Append(Separators[i]);
        }

        return text.ToString();
    }

    /// <summary>The severity a word names: "error" or "fatal" anywhere in it (any case), else "warn", else "debug".</summary>
    public static PatternSeverity SeverityOf(ReadOnlySpan<char> word) =>
        word.Length < 4 ? PatternSeverity.Info
        : word.Contains("error", StringComparison.OrdinalIgnoreCase) || word.Contains("fatal", StringComparison.OrdinalIgnoreCase) ? PatternSeverity.Error
        : word.Contains("warn", StringComparison.OrdinalIgnoreCase) ? PatternSeverity.Warn
        : word.Contains("debug", StringComparison.OrdinalIgnoreCase) ? PatternSeverity.Debug
        : PatternSeverity.Info;

    private static string Normalize(string text, List<LogToken> tokens, int after)
    {
        var separator = new CharBuffer();
        AppendNormalized(separator, text, tokens, after);
        return separator.ToString();
    }

    /// <summary>Appends the text between token <paramref name="after"/> and the next (−1: the line's start; the last
    /// token: the line's end), whitespace runs as one space and the line's ends trimmed.</summary>
    private static void AppendNormalized(CharBuffer target, string text, List<LogToken> tokens, int after)
    {
        var start = after < 0 ? 0 : tokens[after].Start + tokens[after].Length;
        var end = after + 1 < tokens.Count ? tokens[after + 1].Start : text.Length;
        var raw = text.AsSpan(start, end - start);
        while (after < 0 && raw.Length > 0 && IsSpace(raw[0]))
        {
            raw = raw[1..];
        }

        while (after + 1 >= tokens.Count && raw.Length > 0 && IsSpace(raw[^1]))
        {
            raw = raw[..^1];
        }

        var space = false;
        foreach (var c in raw)
        {
            if (IsSpace(c))
            {
                space = true;
                continue;
            }

            if (space)
            {
                target.Append(' ');
                space = false;
            }

            target.Append(c);
        }

        if (space)
        {
            target.Append(' ');
        }
    }

    private static bool IsSpace(char c) => char.IsWhiteSpace(c) || char.IsControl(c);
}
