using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace Vigil.Logs.Insights.Execution;

/// <summary>The outcome of <see cref="AsciiPattern.Match"/>: <see cref="Undecided"/> leaves the line to <see cref="Regex"/>.</summary>
internal enum AsciiMatch
{
    NoMatch,
    Match,
    Undecided,
}

/// <summary>
/// A query regex matched straight on a line's UTF-8 bytes, with no string per line, when its shape makes that exact
/// and cheap: a sequence of single-character atoms (literals, classes, <c>.</c>, <c>\d \w \s</c> and their negations),
/// each with a greedy quantifier, inside groups that are not quantified — no alternation, anchors, lookarounds or lazy
/// quantifiers — where no atom whose count can vary shares a character with an atom that may follow it (e.g.
/// <c>level[=":]+(?&lt;level&gt;[A-Z]+)</c>). Then a greedy run is the only way an atom can take part in a match, so
/// each start needs one forward pass and no backtracking, and the first start that passes is .NET's leftmost match
/// with the same groups. Decides only pure-ASCII lines within a step budget (linear in the line); anything else is
/// <see cref="AsciiMatch.Undecided"/>. Immutable and thread-safe.
/// </summary>
internal sealed class AsciiPattern
{
    private const int MaxAtoms = 64;

    private readonly Atom[] _atoms;
    private readonly (int Open, int Close)[] _groups; // by .NET group number; [0] is the whole match
    private readonly byte[] _prefix; // the leading fixed literal characters
    private readonly SearchValues<byte>? _first; // when the first atom is required and not part of a longer prefix

    private AsciiPattern(Atom[] atoms, (int, int)[] groups)
    {
        (_atoms, _groups) = (atoms, groups);
        var prefix = new List<byte>();
        foreach (var atom in atoms)
        {
            if (atom.Min != 1 || atom.Max != 1 || atom.Single() is not { } b)
            {
                break;
            }

            prefix.Add(b);
        }

        _prefix = [.. prefix];
        if (_prefix.Length < 2 && atoms.Length > 0 && atoms[0].Min > 0)
        {
            _first = SearchValues.Create(atoms[0].Members());
        }
    }

    /// <summary>Boundaries between atoms: the length of the span <see cref="Match"/> fills.</summary>
    public int Boundaries => _atoms.Length + 1;

    /// <summary>The pattern as an ASCII matcher, or null when its shape is not one this class decides exactly.</summary>
    /// <param name="regex">The same pattern compiled by .NET, for its group numbers.</param>
    public static AsciiPattern? TryCreate(string pattern, Regex regex)
    {
        if ((regex.Options & ~(RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.Compiled)) != 0)
        {
            return null;
        }

        var parsed = AsciiPatternParser.Parse(pattern, singleline: (regex.Options & RegexOptions.Singleline) != 0);
        if (parsed is null || parsed.Value.Atoms.Count > MaxAtoms || !Deterministic(parsed.Value.Atoms))
        {
            return null;
        }

        var (atoms, captures) = parsed.Value;
        if (regex.GetGroupNumbers().Length != captures.Count + 1)
        {
            return null;
        }

        var groups = new (int, int)[captures.Count + 1];
        groups[0] = (0, atoms.Count);
        var unnamed = 0;
        foreach (var capture in captures)
        {
            // .NET numbers unnamed groups first, left to right, then named ones.
            var number = capture.Name is null ? ++unnamed : regex.GroupNumberFromName(capture.Name);
            if (number <= 0 || number >= groups.Length || groups[number] != default)
            {
                return null;
            }

            groups[number] = (capture.Open, capture.Close);
        }

        return new AsciiPattern([.. atoms], groups);
    }

    /// <summary>Finds the leftmost match; on <see cref="AsciiMatch.Match"/>, <paramref name="bounds"/> (at least
    /// <see cref="Boundaries"/> long) holds where each atom began, for <see cref="Group"/>.</summary>
    public AsciiMatch Match(ReadOnlySpan<byte> line, Span<int> bounds)
    {
        if (!Ascii.IsValid(line))
        {
            return AsciiMatch.Undecided;
        }

        var budget = (8L * line.Length) + 64;
        var from = 0;
        while (from <= line.Length)
        {
            int start;
            if (_prefix.Length >= 2)
            {
                var found = line[from..].IndexOf(_prefix);
                start = found < 0 ? -1 : from + found;
            }
            else if (_first is not null)
            {
                var found = line[from..].IndexOfAny(_first);
                start = found < 0 ? -1 : from + found;
            }
            else
            {
                start = from;
            }

            if (start < 0)
            {
                return AsciiMatch.NoMatch;
            }

            if (TryAt(line, start, bounds, ref budget))
            {
                return AsciiMatch.Match;
            }

            if (budget < 0)
            {
                return AsciiMatch.Undecided;
            }

            from = start + 1;
        }

        return AsciiMatch.NoMatch;
    }

    /// <summary>A group's (start, length) in the line after a <see cref="AsciiMatch.Match"/>; group 0 is the match.</summary>
    public (int Start, int Length) Group(ReadOnlySpan<int> bounds, int group)
    {
        var (open, close) = _groups[group];
        return (bounds[open], bounds[close] - bounds[open]);
    }

    public int GroupCount => _groups.Length;

    private bool TryAt(ReadOnlySpan<byte> line, int start, Span<int> bounds, ref long budget)
    {
        var at = start;
        for (var k = 0; k < _atoms.Length; k++)
        {
            ref readonly var atom = ref _atoms[k];
            bounds[k] = at;
            var limit = atom.Max >= line.Length - at ? line.Length : at + atom.Max;
            while (at < limit && atom.Contains(line[at]))
            {
                at++;
            }

            budget -= at - bounds[k] + 1;
            if (at - bounds[k] < atom.Min)
            {
                return false;
            }
        }

        bounds[_atoms.Length] = at;
        return true;
    }

    /// <summary>No atom whose count can vary overlaps an atom that can come right after it (any optional atoms
    /// between may match nothing): giving back a character could then never help, so greedy is the only choice.</summary>
    private static bool Deterministic(List<Atom> atoms)
    {
        for (var i = 0; i < atoms.Count; i++)
        {
            if (atoms[i].Min == atoms[i].Max)
            {
                continue;
            }

            for (var j = i + 1; j < atoms.Count; j++)
            {
                if (atoms[i].Overlaps(atoms[j]))
                {
                    return false;
                }

                if (atoms[j].Min > 0)
                {
                    break;
                }
            }
        }

        return true;
    }
}

/// <summary>A set of ASCII characters (two 64-bit masks) taken between <see cref="Min"/> and <see cref="Max"/> times.</summary>
internal readonly record struct Atom(ulong Low, ulong High, int Min, int Max)
{
    public bool Contains(byte b) => b < 64 ? ((Low >> b) & 1) != 0 : b < 128 && ((High >> (b - 64)) & 1) != 0;

    public bool Overlaps(in Atom other) => (Low & other.Low) != 0 || (High & other.High) != 0;

    /// <summary>The character when the set has exactly one.</summary>
    public byte? Single()
    {
        var count = ulong.PopCount(Low) + ulong.PopCount(High);
        return count != 1 ? null : Low != 0 ? (byte)ulong.TrailingZeroCount(Low) : (byte)(64 + ulong.TrailingZeroCount(High));
    }

    public byte[] Members()
    {
        var members = new List<byte>();
        for (var b = 0; b < 128; b++)
        {
            if (Contains((byte)b))
            {
                members.Add((byte)b);
            }
        }

        return [.. members];
    }
}
