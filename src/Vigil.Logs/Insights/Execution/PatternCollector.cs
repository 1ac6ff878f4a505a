using Vigil.Logs.Insights.Functions;
using Vigil.Logs.Insights.Plan;

namespace Vigil.Logs.Insights.Execution;

/// <summary>
/// The partial state of a <c>pattern</c> query: each value of the pattern field is tokenized
/// (<see cref="LogTokenizer"/>) and counted under its shape (<see cref="PatternSignature"/>), shapes grouped by
/// structure and first words. Shapes are exact, so collectors merge by adding counts, and similar shapes are
/// clustered only once, over the merged state (<see cref="PatternClusterer"/>): the rows do not depend on how the
/// events were split between collectors.
/// <para>Memory: a group holds at most <see cref="MaxShapesPerGroup"/> shapes, and there are at most
/// <see cref="MaxGroups"/> groups; past either cap the group, or the grouping, gets coarser
/// (<see cref="PatternCoarsening"/>) until it fits, which depends only on the events, not on their split. So at most
/// 512 × 32 shapes of at most 100 tokens, each with at most 12 × 10 sampled values of up to 64 characters (in
/// practice far fewer: only dynamic tokens have values).</para>
/// A collector made for the comparison window of <c>diff</c> counts its events as previous ones. Not thread-safe;
/// one per scan worker.
/// </summary>
internal sealed class PatternCollector
{
    public const int DefaultMaxGroups = 512;
    public const int DefaultMaxShapesPerGroup = 32;

    private readonly PatternNode _node;
    private readonly bool _previous;
    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Group>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly List<LogToken> _tokens = [];
    private readonly CharBuffer _key = new();
    private long _currentEvents;

    /// <param name="maxGroups">At least 101: the coarsest grouping has one group per token count (0 to 100).</param>
    public PatternCollector(PatternNode node, bool previous, int maxGroups = DefaultMaxGroups, int maxShapesPerGroup = DefaultMaxShapesPerGroup)
    {
        _node = node;
        _previous = previous;
        MaxGroups = Math.Max(maxGroups, LogTokenizer.MaxTokens + 1);
        MaxShapesPerGroup = Math.Max(maxShapesPerGroup, 1);
        _lookup = _groups.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int MaxGroups { get; }

    public int MaxShapesPerGroup { get; }

    /// <summary>The grouping reached (<see cref="PatternCoarsening.Grouping"/>), 0 while the groups fit.</summary>
    public int Grouping { get; private set; }

    public int GroupCount => _groups.Count;

    public int ShapeCount => _groups.Values.Sum(g => g.Shapes.Count);

    /// <summary>The highest level a group reached (<see cref="PatternCoarsening.Level"/>).</summary>
    public int MaxLevel => _groups.Values.Select(g => g.Level).DefaultIfEmpty().Max();

    /// <summary>The window this collector's events belong to: the query's, or the comparison window for diff.</summary>
    public static TimeWindow Window(QueryPlan plan, bool comparison) =>
        comparison && plan.Nodes[plan.FirstBlocking] is PatternNode { Comparison: { } window }
            ? window
            : comparison ? new TimeWindow(long.MaxValue, long.MinValue) : new TimeWindow(plan.Hints.StartTime, plan.Hints.EndTime);

    public void Add(Row row)
    {
        if (_node.Source.Evaluate(row).AsText() is not { } text)
        {
            return; // No value: not part of any pattern, nor of the ratio's total.
        }

        LogTokenizer.Tokenize(text, _tokens);
        var line = new LineText(text, _tokens);
        new PatternCoarsening(Grouping, 0).WriteGroupKey(line, _key);
        var newGroup = !_lookup.TryGetValue(_key.Span, out var group);
        if (newGroup)
        {
            group = new Group(_key.ToString());
            _groups.Add(group.Key, group);
        }

        var coarsening = new PatternCoarsening(Grouping, group!.Level);
        coarsening.WriteKey(line, _key);
        var lookup = group.Shapes.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(_key.Span, out var signature))
        {
            signature = PatternSignature.Create(text, _tokens, coarsening);
            group.Shapes.Add(signature.Key, signature);
            signature.Observe(text, _tokens, _previous, PatternSignature.SeverityOf(text, _tokens));
            Fit(group);
        }
        else
        {
            // Below the last level a shape keeps every severity word, so its lines all have its severity.
            signature.Observe(text, _tokens, _previous,
                group.Level < PatternCoarsening.MaxLevel ? signature.Severity : PatternSignature.SeverityOf(text, _tokens));
        }

        _currentEvents += _previous ? 0 : 1;
        if (newGroup)
        {
            FitGroups();
        }
    }

    /// <summary>Folds <paramref name="other"/> (same node) into this one; <paramref name="other"/> is spent.</summary>
    public void Merge(PatternCollector other)
    {
        var grouping = Math.Max(Grouping, other.Grouping);
        Regroup(grouping);
        other.Regroup(grouping);
        foreach (var group in other._groups.Values)
        {
            Put(group);
        }

        _currentEvents += other._currentEvents;
        FitGroups();
    }

    /// <summary>One row per pattern after clustering, most events first (with diff: largest change first).</summary>
    public List<Row> Emit() =>
        PatternRows.Render(PatternClusterer.Cluster(_groups.Values.SelectMany(g => g.Shapes.Values)), _node.Diff, _currentEvents);

    /// <summary>Raises the group's level until its shapes fit.</summary>
    private void Fit(Group group)
    {
        while (group.Shapes.Count > MaxShapesPerGroup && group.Level < PatternCoarsening.MaxLevel)
        {
            group.Coarsen(new PatternCoarsening(Grouping, group.Level + 1));
        }
    }

    private void FitGroups()
    {
        while (_groups.Count > MaxGroups && Grouping < PatternCoarsening.MaxGrouping)
        {
            Regroup(Grouping + 1);
        }
    }

    /// <summary>Moves every shape to its group at <paramref name="grouping"/>. A coarser group is the union of finer
    /// ones and starts at the highest of their levels (a level the union needs at least: blanking the words the finer
    /// groups were keyed by merges no two shapes of one finer group).</summary>
    private void Regroup(int grouping)
    {
        if (grouping == Grouping)
        {
            return;
        }

        Grouping = grouping;
        var old = _groups.Values.ToList();
        _groups.Clear();
        foreach (var group in old)
        {
            var shapes = group.Shapes.Values.ToList();
            new PatternCoarsening(grouping, 0).WriteGroupKey(new PatternSignature.SignatureText(shapes[0]), _key);
            var moved = new Group(_key.ToString()) { Level = group.Level };
            foreach (var shape in shapes)
            {
                moved.Shapes[shape.Key] = shape;
            }

            moved.Coarsen(new PatternCoarsening(grouping, moved.Level));
            Put(moved);
        }
    }

    /// <summary>Adds a group (at the current grouping) to this collector's, merging with the one of the same key.</summary>
    private void Put(Group group)
    {
        if (!_groups.TryGetValue(group.Key, out var mine))
        {
            _groups.Add(group.Key, group);
            Fit(group);
            return;
        }

        var level = Math.Max(mine.Level, group.Level);
        mine.Coarsen(new PatternCoarsening(Grouping, level));
        group.Coarsen(new PatternCoarsening(Grouping, level));
        foreach (var shape in group.Shapes.Values)
        {
            mine.Add(shape);
        }

        Fit(mine);
    }

    /// <summary>The shapes of one group, keyed by their text at the group's level.</summary>
    private sealed class Group(string key)
    {
        public string Key { get; } = key;

        public int Level { get; set; }

        public Dictionary<string, PatternSignature> Shapes { get; } = new(StringComparer.Ordinal);

        public void Add(PatternSignature shape)
        {
            if (Shapes.TryGetValue(shape.Key, out var existing))
            {
                existing.MergeFrom(shape);
            }
            else
            {
                Shapes.Add(shape.Key, shape);
            }
        }

        /// <summary>Coarsens every shape to <paramref name="coarsening"/> (no-op when already there) and re-keys them.</summary>
        public void Coarsen(PatternCoarsening coarsening)
        {
            var shapes = Shapes.Values.ToList();
            Shapes.Clear();
            Level = coarsening.Level;
            foreach (var shape in shapes)
            {
                shape.Coarsen(coarsening);
                Add(shape);
            }
        }
    }
}
