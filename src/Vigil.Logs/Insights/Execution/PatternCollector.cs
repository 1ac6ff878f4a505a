using Vigil.Logs.Insights.Functions;
using Vigil.Logs.Insights.Plan;

namespace Vigil.Logs.Insights.Execution;

/// <summary>
/// The partial state of a <c>pattern</c> query: each value of the pattern field is tokenized
/// (<see cref="LogTokenizer"/>) and counted under its shape (<see cref="PatternSignature"/>). Shapes are exact, so
/// collectors merge by adding counts, and the similar shapes are clustered only once, over the merged state
/// (<see cref="PatternClusterer"/>): the result does not depend on how the events were split between collectors.
/// <para>Memory: at most <see cref="MaxSignatures"/> shapes. One more makes every shape coarser (later words
/// dynamic, see <see cref="PatternSignature.WordsKeptAt"/>) until they fit; the level reached depends only on the
/// events, not on their split. Each shape keeps at most 100 tokens and 32 × 10 sampled values of up to 64
/// characters, so a collector holds at most 4,000 × 320 values (in practice far fewer: only dynamic tokens have
/// values).</para>
/// A collector made for the comparison window of <c>diff</c> counts its events as previous ones. Not thread-safe;
/// one per scan worker.
/// </summary>
internal sealed class PatternCollector
{
    public const int DefaultMaxSignatures = 4_000;

    private readonly PatternNode _node;
    private readonly bool _previous;
    private readonly Dictionary<string, PatternSignature> _signatures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PatternSignature>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly List<LogToken> _tokens = [];
    private readonly CharBuffer _key = new();
    private long _currentEvents;

    public PatternCollector(PatternNode node, bool previous, int maxSignatures = DefaultMaxSignatures)
    {
        _node = node;
        _previous = previous;
        MaxSignatures = Math.Max(maxSignatures, LogTokenizer.MaxTokens + 1);
        _lookup = _signatures.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Shapes kept at most; never below 101, the count at the coarsest level (one per token count).</summary>
    public int MaxSignatures { get; }

    /// <summary>The coarsening level reached, 0 while every shape fits.</summary>
    public int Level { get; private set; }

    public int Count => _signatures.Count;

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
        var severity = PatternSeverity.Info;
        foreach (var token in _tokens)
        {
            if (!token.IsDynamic && PatternSignature.SeverityOf(text.AsSpan(token.Start, token.Length)) is var s && s > severity)
            {
                severity = s;
            }
        }

        PatternSignature.WriteKey(text, _tokens, Level, _key);
        var added = false;
        if (!_lookup.TryGetValue(_key.Span, out var signature))
        {
            signature = PatternSignature.Create(text, _tokens, Level);
            _signatures.Add(signature.Key, signature);
            added = true;
        }

        signature.Observe(text, _tokens, _previous, severity);
        _currentEvents += _previous ? 0 : 1;
        if (added)
        {
            FitToCap();
        }
    }

    /// <summary>Folds <paramref name="other"/> (same node) into this one; <paramref name="other"/> is spent.</summary>
    public void Merge(PatternCollector other)
    {
        var level = Math.Max(Level, other.Level);
        Rekey(level);
        other.Rekey(level);
        foreach (var signature in other._signatures.Values)
        {
            Put(signature);
        }

        _currentEvents += other._currentEvents;
        FitToCap();
    }

    /// <summary>One row per pattern after clustering, most events first (with diff: largest change first).</summary>
    public List<Row> Emit() => PatternRows.Render(PatternClusterer.Cluster(_signatures.Values), _node.Diff, _currentEvents);

    private void FitToCap()
    {
        while (_signatures.Count > MaxSignatures && Level < PatternSignature.MaxLevel)
        {
            Rekey(Level + 1);
        }
    }

    private void Rekey(int level)
    {
        if (level == Level)
        {
            return;
        }

        Level = level;
        var signatures = _signatures.Values.ToList();
        _signatures.Clear();
        foreach (var signature in signatures)
        {
            signature.ApplyLevel(level);
            Put(signature);
        }
    }

    private void Put(PatternSignature signature)
    {
        if (_signatures.TryGetValue(signature.Key, out var existing))
        {
            existing.MergeFrom(signature);
        }
        else
        {
            _signatures.Add(signature.Key, signature);
        }
    }
}
