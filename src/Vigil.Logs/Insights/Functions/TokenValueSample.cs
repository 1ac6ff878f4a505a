namespace Vigil.Logs.Insights.Functions;

/// <summary>
/// The values seen at one dynamic token of a pattern, with exact counts, for at most <see cref="Capacity"/> values
/// (AWS captures 10 per token): the ones whose hash is smallest. That choice depends only on the set of values, so
/// samples of disjoint event sets merge to exactly the sample of their union, whatever the split. Values longer than
/// <see cref="MaxValueLength"/> characters are cut and end in "…". Not thread-safe.
/// </summary>
internal sealed class TokenValueSample
{
    public const int Capacity = 10;
    public const int MaxValueLength = 64;

    private readonly ulong[] _hashes = new ulong[Capacity];
    private readonly string[] _values = new string[Capacity];
    private readonly long[] _counts = new long[Capacity];
    private int _count;

    public void Add(ReadOnlySpan<char> value, long count)
    {
        if (value.Length > MaxValueLength)
        {
            Span<char> cut = stackalloc char[MaxValueLength];
            value[..(MaxValueLength - 1)].CopyTo(cut);
            cut[^1] = '…';
            Add(Hash(cut), cut, null, count);
            return;
        }

        Add(Hash(value), value, null, count);
    }

    public void Merge(TokenValueSample other)
    {
        for (var i = 0; i < other._count; i++)
        {
            Add(other._hashes[i], other._values[i], other._values[i], other._counts[i]);
        }
    }

    /// <summary>The kept values, most frequent first (ties in ordinal order).</summary>
    public IEnumerable<(string Value, long Count)> MostFrequent() =>
        Enumerable.Range(0, _count).Select(i => (_values[i], _counts[i]))
            .OrderByDescending(v => v.Item2).ThenBy(v => v.Item1, StringComparer.Ordinal);

    /// <summary>FNV-1a over the UTF-16 code units: stable across processes, so results do not vary between runs.</summary>
    private static ulong Hash(ReadOnlySpan<char> value)
    {
        var hash = 14_695_981_039_346_656_037UL;
        foreach (var c in value)
        {
            hash = (hash ^ c) * 1_099_511_628_211UL;
        }

        return hash;
    }

    private void Add(ulong hash, ReadOnlySpan<char> value, string? text, long count)
    {
        var worst = -1;
        for (var i = 0; i < _count; i++)
        {
            if (_hashes[i] == hash && value.SequenceEqual(_values[i]))
            {
                _counts[i] += count;
                return;
            }

            if (worst < 0 || Compare(_hashes[i], _values[i], _hashes[worst], _values[worst]) > 0)
            {
                worst = i;
            }
        }

        if (_count < Capacity)
        {
            worst = _count++;
        }
        else if (Compare(hash, value, _hashes[worst], _values[worst]) > 0)
        {
            return; // Not among the smallest hashes: it cannot be in the merged sample either.
        }

        (_hashes[worst], _values[worst], _counts[worst]) = (hash, text ?? value.ToString(), count);
    }

    private static int Compare(ulong hashA, ReadOnlySpan<char> a, ulong hashB, ReadOnlySpan<char> b) =>
        hashA != hashB ? hashA.CompareTo(hashB) : a.SequenceCompareTo(b);
}
