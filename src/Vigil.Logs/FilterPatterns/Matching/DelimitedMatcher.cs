using System.Buffers;

namespace Vigil.Logs.FilterPatterns.Matching;

/// <summary>One entry of a space-delimited pattern: a named field with an optional condition, or <c>...</c>.</summary>
internal sealed record DelimitedField(string Name, FieldCondition? Condition)
{
    public static readonly DelimitedField Ellipsis = new("...", null);

    public bool IsEllipsis => ReferenceEquals(this, Ellipsis);
}

/// <summary>A <c>[a, b = x, ..., c]</c> pattern, matched against the message's fields.</summary>
/// <remarks>
/// Named entries take one field each, in order; <c>...</c> takes any number (zero included). The last named entry
/// takes the rest of the line when it is last in the pattern: AWS's <c>[w1=ERROR, w2]</c> matches
/// "ERROR 09/25/2014 Failed …" and AWS asks for that trailing <c>w2</c> for this reason. So a pattern without
/// <c>...</c> needs at least as many fields as entries, not exactly as many. With <c>...</c> any alignment that
/// satisfies every condition is a match; it is found with one pass per entry over a "which field can come next"
/// bitmap (O(fields × entries), no backtracking).
/// </remarks>
internal sealed class DelimitedMatcher : MessageMatcher
{
    private const int StackFields = 64;

    private readonly DelimitedField[] _entries;
    private readonly bool _hasEllipsis;
    private readonly string[] _required;

    public DelimitedMatcher(DelimitedField[] entries)
    {
        _entries = entries;
        _hasEllipsis = entries.Any(e => e.IsEllipsis);
        _required = [.. entries.Where(e => e.Condition is not null).SelectMany(e => e.Condition!.Required).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Exact texts from <c>=</c> conditions (and the literal pieces of wild cards): a field's value is a
    /// slice of the message, so the message contains them. Numbers are left out (404 also equals 404.0).</summary>
    public override IReadOnlyList<string> RequiredSubstrings => _required;

    public override bool Matches(string message)
    {
        Span<FieldSpan> fields = stackalloc FieldSpan[StackFields];
        var count = MessageFields.Split(message, fields);
        if (count <= StackFields)
        {
            return Align(message, fields[..count]);
        }
        var rented = ArrayPool<FieldSpan>.Shared.Rent(count);
        try
        {
            MessageFields.Split(message, rented);
            return Align(message, rented.AsSpan(0, count));
        }
        finally
        {
            ArrayPool<FieldSpan>.Shared.Return(rented);
        }
    }

    private bool Align(string message, ReadOnlySpan<FieldSpan> fields)
    {
        if (!_hasEllipsis)
        {
            if (fields.Length < _entries.Length)
            {
                return false;
            }
            for (var j = 0; j < _entries.Length - 1; j++)
            {
                if (!Holds(_entries[j], message, fields[j]))
                {
                    return false;
                }
            }
            return HoldsForRest(_entries[^1], message, fields, _entries.Length - 1);
        }
        var size = fields.Length + 1;
        var rented = size > 256 ? ArrayPool<bool>.Shared.Rent(size) : null;
        try
        {
            var reach = rented is null ? stackalloc bool[size] : rented.AsSpan(0, size);
            reach.Clear();
            return AlignWithEllipsis(message, fields, reach);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<bool>.Shared.Return(rented);
            }
        }
    }

    /// <summary><paramref name="reach"/>[i]: the entries so far can be matched by exactly the first i fields.</summary>
    private bool AlignWithEllipsis(string message, ReadOnlySpan<FieldSpan> fields, Span<bool> reach)
    {
        var m = fields.Length;
        reach[0] = true;
        for (var j = 0; j < _entries.Length; j++)
        {
            var entry = _entries[j];
            var any = false;
            if (entry.IsEllipsis)
            {
                for (var i = 1; i <= m; i++)
                {
                    reach[i] |= reach[i - 1];
                }
                any = true;
            }
            else if (j == _entries.Length - 1)
            {
                for (var i = 0; i < m; i++)
                {
                    if (reach[i] && HoldsForRest(entry, message, fields, i))
                    {
                        return true;
                    }
                }
                return false;
            }
            else
            {
                for (var i = m; i >= 1; i--)
                {
                    reach[i] = reach[i - 1] && Holds(entry, message, fields[i - 1]);
                    any |= reach[i];
                }
                reach[0] = false;
            }
            if (!any)
            {
                return false;
            }
        }
        return true; // the last entry is "...", which any remainder satisfies
    }

    private static bool Holds(DelimitedField entry, string message, FieldSpan field) =>
        entry.Condition is null || entry.Condition.Test(message.AsSpan(field.ValueStart, field.ValueLength));

    /// <summary>The last entry sees field <paramref name="first"/> through the end of the line (just that field's
    /// value when it is the only one left).</summary>
    private static bool HoldsForRest(DelimitedField entry, string message, ReadOnlySpan<FieldSpan> fields, int first)
    {
        if (entry.Condition is null)
        {
            return true;
        }
        if (first == fields.Length - 1)
        {
            return Holds(entry, message, fields[first]);
        }
        var rest = message.AsSpan(fields[first].Start).TrimEnd(" \t\r\n");
        return entry.Condition.Test(rest);
    }
}
