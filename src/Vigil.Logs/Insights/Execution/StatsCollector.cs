using Vigil.Logs.Insights.Functions;
using Vigil.Logs.Insights.Plan;

namespace Vigil.Logs.Insights.Execution;

/// <summary>
/// Streaming aggregation for one stats command: one state per group and aggregate, so memory grows with the number
/// of groups, not rows. Groups are keyed by the rendered text of their <c>by</c> values. Output rows come ordered by
/// those values (the sort order, missing last), so results do not depend on arrival order. Not thread-safe.
/// </summary>
internal sealed class StatsCollector(StatsNode stats)
{
    private readonly Dictionary<GroupKey, Group> _groups = [];

    // Per event, the by-values and their renderings go into these and are copied only for a new group.
    private readonly Value[] _values = new Value[stats.GroupBy.Count];
    private readonly string?[] _texts = new string?[stats.GroupBy.Count];

    // The last formatted rendering per by-column: consecutive events mostly share a bin(5m) bucket or a computed number.
    private readonly (ValueKind Kind, double Number, string? Text)[] _lastFormatted = new (ValueKind, double, string?)[stats.GroupBy.Count];

    private readonly string?[]?[] _recentTexts = new string?[]?[8];
    private readonly Group?[] _recentGroups = new Group?[8];
    private int _nextRecent;

    public int GroupCount => _groups.Count;

    public void Add(Row row)
    {
        for (var i = 0; i < _values.Length; i++)
        {
            var value = stats.GroupBy[i].Value.Evaluate(row);
            _values[i] = value;
            _texts[i] = Render(i, value);
        }

        foreach (var state in FindGroup().States)
        {
            state.Add(row);
        }
    }

    /// <summary>The aggregate states of the group these by-values belong to (made when new), for the columnar path to
    /// feed with <see cref="Aggregator.AddValue"/>; a group's states stay the same object for the collector's life.</summary>
    public Aggregator[] StatesFor(ReadOnlySpan<Value> byValues)
    {
        for (var i = 0; i < _values.Length; i++)
        {
            _values[i] = byValues[i];
            _texts[i] = Render(i, byValues[i]);
        }

        return FindGroup().States;
    }

    /// <summary>The group of the by-values in <c>_values</c>/<c>_texts</c>, made when new.</summary>
    private Group FindGroup()
    {
        var group = RecentGroup();
        if (group is null)
        {
            var hash = default(HashCode);
            foreach (var text in _texts)
            {
                hash.Add(text, StringComparer.Ordinal);
            }

            var probe = new GroupKey(_texts, hash.ToHashCode());
            if (!_groups.TryGetValue(probe, out group))
            {
                group = new Group([.. _values], [.. _texts], [.. stats.Slots.Select(s => s.Create())]);
                _groups.Add(new GroupKey(group.Texts, probe.Hash), group);
            }

            Remember(group);
        }

        return group;
    }

    /// <summary>The group of one of the last few by-text arrays seen, when this event's are the very same strings (the
    /// scan interns short values, so repeats are mostly the same instances): most events then cost neither a hash nor
    /// a dictionary probe. Keyed by the instances seen, not the group's own, as equal texts may come as several.</summary>
    private Group? RecentGroup()
    {
        var filled = 0;
        for (; filled < _recentTexts.Length && _recentTexts[filled] is { } texts; filled++)
        {
            if (SameTexts(texts, byReference: true))
            {
                return _recentGroups[filled];
            }
        }

        // Equal texts as other instances (another worker's interner, another chunk's kept column): adopt these.
        for (var r = 0; r < filled; r++)
        {
            if (SameTexts(_recentTexts[r]!, byReference: false))
            {
                _texts.CopyTo(_recentTexts[r]!, 0);
                return _recentGroups[r];
            }
        }

        return null;
    }

    private bool SameTexts(string?[] texts, bool byReference)
    {
        for (var i = 0; i < texts.Length; i++)
        {
            if (!(byReference ? ReferenceEquals(texts[i], _texts[i]) : string.Equals(texts[i], _texts[i], StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }

    private void Remember(Group group)
    {
        var texts = _recentTexts[_nextRecent] ??= new string?[_texts.Length];
        _texts.CopyTo(texts, 0);
        _recentGroups[_nextRecent] = group;
        _nextRecent = (_nextRecent + 1) % _recentTexts.Length;
    }

    private string? Render(int column, Value value)
    {
        if (!value.IsFormatted)
        {
            return value.Render();
        }

        ref var last = ref _lastFormatted[column];
        if (last.Text is null || last.Kind != value.Kind || !last.Number.Equals(value.RawNumber))
        {
            last = (value.Kind, value.RawNumber, value.Render());
        }

        return last.Text;
    }

    /// <summary>Folds <paramref name="other"/> (same stats node) into this one; <paramref name="other"/> is spent.</summary>
    public void Merge(StatsCollector other)
    {
        foreach (var (key, group) in other._groups)
        {
            if (_groups.TryGetValue(key, out var mine))
            {
                for (var i = 0; i < mine.States.Length; i++)
                {
                    mine.States[i].Merge(group.States[i]);
                }
            }
            else
            {
                _groups.Add(key, group);
            }
        }
    }

    public List<Row> Emit()
    {
        var groups = _groups.Values.ToList();
        if (groups.Count == 0 && stats.GroupBy.Count == 0)
        {
            groups.Add(new Group([], [], [.. stats.Slots.Select(s => s.Create())]));
        }

        groups.Sort((a, b) => CompareKeys(a.Values, b.Values));
        var rows = new List<Row>(groups.Count);
        foreach (var group in groups)
        {
            var row = Row.Empty();
            for (var i = 0; i < group.Values.Length; i++)
            {
                row.Set(stats.GroupBy[i].Name, group.Values[i]);
            }

            row.Slots = [.. group.States.Select(s => s.Result())];
            foreach (var (name, value) in stats.Outputs)
            {
                row.Set(name, value.Evaluate(row));
            }

            row.Slots = null;
            rows.Add(row);
        }

        return rows;
    }

    private static int CompareKeys(Value[] a, Value[] b)
    {
        for (var i = 0; i < a.Length; i++)
        {
            var order = RowOrder.CompareNullsLast(a[i], b[i], descending: false);
            if (order != 0)
            {
                return order;
            }
        }

        return 0;
    }

    private sealed record Group(Value[] Values, string?[] Texts, Aggregator[] States);

    /// <summary>A group's by-values as rendered: groups are equal when their renderings are.</summary>
    private readonly struct GroupKey(string?[] texts, int hash) : IEquatable<GroupKey>
    {
        public int Hash => hash;

        public bool Equals(GroupKey other) => texts.AsSpan().SequenceEqual(other.Texts, StringComparer.Ordinal);

        public override bool Equals(object? obj) => obj is GroupKey other && Equals(other);

        public override int GetHashCode() => hash;

        private string?[] Texts => texts;
    }
}
