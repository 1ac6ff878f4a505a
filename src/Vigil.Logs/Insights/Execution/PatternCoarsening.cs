using Vigil.Logs.Insights.Functions;

namespace Vigil.Logs.Insights.Execution;

/// <summary>
/// How coarse the shapes of a <c>pattern</c> collector are. Shapes are grouped (Drain's fixed-depth tree, made
/// exact): <see cref="Grouping"/> 0 groups by token count, separators and the first two words; 1 by the first word
/// only; 2 by separators only; 3 by token count alone, the separators replaced by spaces. Within a group,
/// <see cref="Level"/> says which words become dynamic: 0 none; 1 words with a non-letter or over 20 letters; 2 also
/// words outside <see cref="LogVocabulary"/>; 3, 4, 5 keep only the first 4, 2, 1 of the remaining words; 6 none;
/// 7 not even severity words, which the lower levels keep (so ERROR and INFO lines stay apart). The words a group is
/// keyed by are never blanked.
/// <para>Each coarsening is a function of one shape, and coarsening a coarsened shape further gives the same as
/// coarsening the original directly; the levels are raised only when a count of distinct shapes or groups, which can
/// only grow as events are added or merged, passes a cap. Together these make the merged result the same for any
/// split of the events.</para>
/// </summary>
internal readonly record struct PatternCoarsening(int Grouping, int Level)
{
    public const int MaxGrouping = 3;
    public const int MaxLevel = 7;

    private static readonly int[] WordsKept = [0, 0, 0, 4, 2, 1];

    /// <summary>Marks in <paramref name="keep"/> the positions that stay words (dynamic tokens are false).</summary>
    public void Mask<T>(T shape, Span<bool> keep)
        where T : struct, IShapeText
    {
        var keyWords = Grouping switch { 0 => 2, 1 => 1, _ => 0 };
        var (words, kept) = (0, 0);
        for (var i = 0; i < shape.Count; i++)
        {
            if (!shape.IsWord(i))
            {
                keep[i] = false;
                continue;
            }

            if (words++ < keyWords)
            {
                keep[i] = true;
                continue;
            }

            var word = shape.Word(i);
            keep[i] = Level switch
            {
                0 => true,
                MaxLevel => false,
                _ when PatternSignature.SeverityOf(word) != PatternSeverity.Info => true,
                6 => false,
                _ => IsPlain(word) && (Level < 2 || LogVocabulary.Contains(word)) && (Level < 3 || kept++ < WordsKept[Level]),
            };
        }
    }

    /// <summary>The shape's key at this coarsening: its text with "\u0001" for each dynamic token.</summary>
    public void WriteKey<T>(T shape, CharBuffer key)
        where T : struct, IShapeText
    {
        Span<bool> keep = stackalloc bool[LogTokenizer.MaxTokens];
        Mask(shape, keep);
        key.Clear();
        WriteSeparator(shape, -1, key);
        for (var i = 0; i < shape.Count; i++)
        {
            if (keep[i])
            {
                key.Append(shape.Word(i));
            }
            else
            {
                key.Append(PatternSignature.Dynamic);
            }

            WriteSeparator(shape, i, key);
        }
    }

    /// <summary>The key of the group a shape belongs to (see <see cref="Grouping"/>).</summary>
    public void WriteGroupKey<T>(T shape, CharBuffer key)
        where T : struct, IShapeText
    {
        key.Clear();
        key.Append((char)('0' + shape.Count / 64));
        key.Append((char)('0' + shape.Count % 64));
        if (Grouping >= MaxGrouping)
        {
            return;
        }

        WriteSeparator(shape, -1, key);
        for (var i = 0; i < shape.Count; i++)
        {
            key.Append(PatternSignature.Dynamic);
            WriteSeparator(shape, i, key);
        }

        var keyWords = Grouping switch { 0 => 2, 1 => 1, _ => 0 };
        for (var i = 0; i < shape.Count && keyWords > 0; i++)
        {
            if (shape.IsWord(i))
            {
                key.Append('\u0002');
                key.Append((char)('0' + i));
                key.Append(shape.Word(i));
                keyWords--;
            }
        }
    }

    private void WriteSeparator<T>(T shape, int after, CharBuffer key)
        where T : struct, IShapeText
    {
        if (Grouping < MaxGrouping)
        {
            shape.AppendSeparator(after, key);
        }
        else if (after >= 0 && after < shape.Count - 1)
        {
            key.Append(' ');
        }
    }

    private static bool IsPlain(ReadOnlySpan<char> word)
    {
        if (word.Length > 20)
        {
            return false;
        }

        foreach (var c in word)
        {
            if (!char.IsLetter(c))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>A shape to coarsen or key: a line being added, or a stored <see cref="PatternSignature"/>. Implemented by
/// structs so that the generic coarsening code runs without allocating.</summary>
internal interface IShapeText
{
    int Count { get; }

    bool IsWord(int i);

    ReadOnlySpan<char> Word(int i);

    /// <summary>Appends the separator after token <paramref name="after"/> (−1: the text before the first token).</summary>
    void AppendSeparator(int after, CharBuffer target);
}
