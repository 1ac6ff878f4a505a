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

    public int GroupCount => _groups.Count;

    public void Add(Row row)
    {
        var values = new Value[stats.GroupBy.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = stats.GroupBy[i].Value.Evaluate(row);
        }

        var key = new GroupKey(values);
        if (!_groups.TryGetValue(key, out var group))
        {
            group = new Group(values, [.. stats.Slots.Select(s => s.Create())]);
            _groups.Add(key, group);
        }

        foreach (var state in group.States)
        {
            state.Add(row);
        }
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
            groups.Add(new Group([], [.. stats.Slots.Select(s => s.Create())]));
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

    private sealed record Group(Value[] Values, Aggregator[] States);

    private readonly struct GroupKey : IEquatable<GroupKey>
    {
        private readonly string?[] _texts;
        private readonly int _hash;

        public GroupKey(Value[] values)
        {
            _texts = new string?[values.Length];
            var hash = new HashCode();
            for (var i = 0; i < values.Length; i++)
            {
                _texts[i] = values[i].Render();
                hash.Add(_texts[i], StringComparer.Ordinal);
            }

            _hash = hash.ToHashCode();
        }

        public bool Equals(GroupKey other) => _texts.AsSpan().SequenceEqual(other._texts, StringComparer.Ordinal);

        public override bool Equals(object? obj) => obj is GroupKey other && Equals(other);

        public override int GetHashCode() => _hash;
    }
}
