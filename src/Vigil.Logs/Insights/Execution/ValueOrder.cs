namespace Vigil.Logs.Insights.Execution;

/// <summary>
/// AWS's documented sort order (a "natural" sort), ascending: values that are entirely a number come after all
/// others and compare numerically; other values are split into runs of digits and runs of non-digits, non-digit
/// runs compare by code unit, digit runs by length and then value, and a digit run against a non-digit run compares
/// by first character. Missing values are not ordered here: callers put them last in either direction.
/// </summary>
internal static class ValueOrder
{
    public static int Compare(Value a, Value b)
    {
        var aNumber = a.TryGetNumber(out var x);
        var bNumber = b.TryGetNumber(out var y);
        if (aNumber && bNumber)
        {
            return x.CompareTo(y);
        }

        if (aNumber != bNumber)
        {
            return aNumber ? 1 : -1;
        }

        return CompareNatural(a.AsText() ?? "", b.AsText() ?? "");
    }

    public static int CompareNatural(string a, string b)
    {
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            var aDigit = char.IsAsciiDigit(a[i]);
            var bDigit = char.IsAsciiDigit(b[j]);
            if (aDigit != bDigit)
            {
                return a[i].CompareTo(b[j]);
            }

            var aEnd = RunEnd(a, i, aDigit);
            var bEnd = RunEnd(b, j, bDigit);
            var aRun = a.AsSpan(i, aEnd - i);
            var bRun = b.AsSpan(j, bEnd - j);
            int order;
            if (aDigit)
            {
                var aTrimmed = aRun.TrimStart('0');
                var bTrimmed = bRun.TrimStart('0');
                order = aTrimmed.Length != bTrimmed.Length ? aTrimmed.Length.CompareTo(bTrimmed.Length) : aTrimmed.SequenceCompareTo(bTrimmed);
                if (order == 0)
                {
                    order = aRun.Length.CompareTo(bRun.Length);
                }
            }
            else
            {
                order = aRun.SequenceCompareTo(bRun);
                if (order != 0)
                {
                    var common = Math.Min(aRun.Length, bRun.Length);
                    var prefix = aRun[..common].SequenceCompareTo(bRun[..common]);
                    if (prefix == 0)
                    {
                        // One run is a prefix of the other: the shorter run ends where the other continues, so
                        // compare what follows it (a digit, or the end) with the longer run's next character.
                        var aNext = aRun.Length > common ? aRun[common] : (aEnd < a.Length ? a[aEnd] : '\0');
                        var bNext = bRun.Length > common ? bRun[common] : (bEnd < b.Length ? b[bEnd] : '\0');
                        order = aNext.CompareTo(bNext);
                    }
                    else
                    {
                        order = prefix;
                    }
                }
            }

            if (order != 0)
            {
                return order;
            }

            i = aEnd;
            j = bEnd;
        }

        return (a.Length - i).CompareTo(b.Length - j);
    }

    /// <summary>Total order for keys of the same value: equal values in the same kind render alike.</summary>
    public static bool SameKey(Value a, Value b) => a.IsNull ? b.IsNull : !b.IsNull && string.Equals(a.Render(), b.Render(), StringComparison.Ordinal);

    private static int RunEnd(string s, int start, bool digits)
    {
        var end = start;
        while (end < s.Length && char.IsAsciiDigit(s[end]) == digits)
        {
            end++;
        }

        return end;
    }
}
