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

    /// <summary>Token values are kept for this many leading positions (10 values each), which bounds their memory.</summary>
    public const int ValuePositions = 12;

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

    public static PatternSignature Create(string text, List<LogToken> tokens, PatternCoarsening coarsening)
    {
        var words = new string?[tokens.Count];
        var separators = new string[tokens.Count];
        var buffer = new CharBuffer();
        var line = new LineText(text, tokens);
        for (var i = 0; i < tokens.Count; i++)
        {
            words[i] = tokens[i].IsDynamic ? null : text.Substring(tokens[i].Start, tokens[i].Length);
            buffer.Clear();
            line.AppendSeparator(i, buffer);
            separators[i] = buffer.ToString();
        }

        buffer.Clear();
        line.AppendSeparator(-1, buffer);
        var signature = new PatternSignature(buffer.ToString(), words, separators);
        signature.Coarsen(coarsening);
        return signature;
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

    /// <summary>Blanks the words <paramref name="coarsening"/> does not keep, drops the separators at the coarsest
    /// grouping, and recomputes the key.</summary>
    public void Coarsen(PatternCoarsening coarsening)
    {
        Span<bool> keep = stackalloc bool[Tokens.Length];
        coarsening.Mask(new SignatureText(this), keep);
        for (var i = 0; i < Tokens.Length; i++)
        {
            if (!keep[i])
            {
                Generalize(i);
            }
        }

        if (coarsening.Grouping >= PatternCoarsening.MaxGrouping)
        {
            Prefix = "";
            for (var i = 0; i < Separators.Length; i++)
            {
                Separators[i] = i < Separators.Length - 1 ? " " : "";
            }
        }

        var key = new CharBuffer();
        new PatternCoarsening(0, 0).WriteKey(new SignatureText(this), key);
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
        var text = new System.Text.StringBuilder(Prefix);
        for (var i = 0; i < Tokens.Length; i++)
        {
            text.Append(Tokens[i] ?? "<*>").Append(Separators[i]);
        }

        return text.ToString();
    }

    /// <summary>The severity a word names: "error" or "fatal" anywhere in it (any case), else "warn", else "debug".</summary>
    public static PatternSeverity SeverityOf(ReadOnlySpan<char> word) =>
        word.Length < 4 || word.IndexOfAny(SeverityWords) < 0 ? PatternSeverity.Info
        : word.Contains("error", StringComparison.OrdinalIgnoreCase) || word.Contains("fatal", StringComparison.OrdinalIgnoreCase) ? PatternSeverity.Error
        : word.Contains("warn", StringComparison.OrdinalIgnoreCase) ? PatternSeverity.Warn
        : PatternSeverity.Debug;

    /// <summary>The highest severity among the words of a line.</summary>
    public static PatternSeverity SeverityOf(string text, List<LogToken> tokens)
    {
        var severity = PatternSeverity.Info;
        foreach (var token in tokens)
        {
            if (!token.IsDynamic && SeverityOf(text.AsSpan(token.Start, token.Length)) is var s && s > severity)
            {
                severity = s;
            }
        }

        return severity;
    }

    private static readonly System.Buffers.SearchValues<string> SeverityWords =
        System.Buffers.SearchValues.Create(["error", "fatal", "warn", "debug"], StringComparison.OrdinalIgnoreCase);

    /// <summary>A stored shape, for <see cref="PatternCoarsening"/>.</summary>
    public readonly struct SignatureText(PatternSignature signature) : IShapeText
    {
        public int Count => signature.Tokens.Length;

        public bool IsWord(int i) => signature.Tokens[i] is not null;

        public ReadOnlySpan<char> Word(int i) => signature.Tokens[i];

        public void AppendSeparator(int after, CharBuffer target) => target.Append(after < 0 ? signature.Prefix : signature.Separators[after]);
    }
}

/// <summary>A line being added, for <see cref="PatternCoarsening"/>: its tokens, and the text between them with
/// whitespace runs as one space and the line's ends trimmed.</summary>
internal readonly struct LineText(string text, List<LogToken> tokens) : IShapeText
{
    public int Count => tokens.Count;

    public bool IsWord(int i) => !tokens[i].IsDynamic;

    public ReadOnlySpan<char> Word(int i) => text.AsSpan(tokens[i].Start, tokens[i].Length);

    public void AppendSeparator(int after, CharBuffer target)
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
