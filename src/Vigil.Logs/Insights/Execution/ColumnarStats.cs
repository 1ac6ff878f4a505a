using Vigil.Logs.Engine;
using Vigil.Logs.Insights.Functions;
using Vigil.Logs.Insights.Plan;

namespace Vigil.Logs.Insights.Execution;

/// <summary>
/// A stats query run over a cached chunk straight from what earlier queries kept there (<see cref="FieldMemo"/>
/// columns and <c>parse</c> outcomes): one loop over arrays, no row per event. Only for the shape where that is the
/// row path's result by construction — before the stats, only <c>filter ispresent(field)</c>, at most one
/// <c>parse @message</c>, and <c>display</c>/<c>unmask</c>; stats by plain fields, of plain fields or <c>*</c>, with
/// aggregates that depend on nothing but their argument. A field named by the parse is its capture where the message
/// matched and the discovered field elsewhere, as on a row. If the chunk lacks a value some event needs, the whole
/// chunk goes down the row path instead (checked before anything is added). Immutable and thread-safe.
/// </summary>
internal sealed class ColumnarStats
{
    private readonly List<string> _fields = []; // discovered fields read, by index
    private readonly (bool IsParse, Ref Field)[] _steps; // in plan order: ispresent filters and the parse
    private readonly Ref[] _groupBy;
    private readonly Ref?[] _arguments; // null: count(*)
    private readonly ParseNode? _parse;
    private readonly string _checkedKey; // in a chunk's memo: this shape found every value it needs there

    private static readonly object Checked = new();

    private ColumnarStats(List<(bool IsParse, string? Name)> steps, IReadOnlyList<string> groupBy, IReadOnlyList<string?> arguments, ParseNode? parse)
    {
        _parse = parse;
        _steps = new (bool, Ref)[steps.Count];
        var parsed = false;
        for (var i = 0; i < steps.Count; i++)
        {
            parsed |= steps[i].IsParse;
            _steps[i] = steps[i].IsParse ? (true, default) : (false, RefOf(steps[i].Name!, parsed));
        }

        _groupBy = [.. groupBy.Select(name => RefOf(name, parse is not null))];
        _arguments = [.. arguments.Select(name => name is null ? (Ref?)null : RefOf(name, parse is not null))];

        // What decides which values are needed: the steps in order (the parse by its keys), the by-fields and arguments.
        _checkedKey = string.Join('\u0001',
        [
            "insights.columnar-checked",
            .. steps.Select(st => st.IsParse ? $"parse\u0002{parse!.MatchedKey}\u0002{string.Join('\u0002', parse.Captures.Select(c => $"{c.Name}={c.Group}"))}" : $"present\u0002{st.Name}"),
            "by", .. groupBy, "of", .. arguments.Select(a => a ?? "*"),
        ]);
    }

    /// <summary>A plan's nodes as a columnar stats run, or null when its shape is not one this class handles.</summary>
    public static ColumnarStats? TryCreate(IReadOnlyList<PlanNode> nodes, int firstBlocking)
    {
        if (nodes[firstBlocking] is not StatsNode stats)
        {
            return null;
        }

        var steps = new List<(bool IsParse, string? Name)>();
        ParseNode? parse = null;
        for (var i = 0; i < firstBlocking; i++)
        {
            switch (nodes[i])
            {
                case FilterNode { Condition: CallEvaluator { Function: "ispresent", Arguments: [FieldEvaluator field] } } when Plain(field.Name):
                    steps.Add((false, field.Name));
                    break;
                case ParseNode { Source: FieldEvaluator { Name: "@message" } } p when parse is null:
                    parse = p;
                    steps.Add((true, null));
                    break;
                case PassNode:
                    break;
                default:
                    return null;
            }
        }

        var groupBy = new List<string>();
        foreach (var (_, value) in stats.GroupBy)
        {
            if (value is not FieldEvaluator field || !Plain(field.Name))
            {
                return null;
            }

            groupBy.Add(field.Name);
        }

        var arguments = new List<string?>();
        foreach (var slot in stats.Slots)
        {
            if (!slot.Create().TakesValues || (slot.Argument is not null && (slot.Argument is not FieldEvaluator field || !Plain(field.Name))))
            {
                return null;
            }

            arguments.Add((slot.Argument as FieldEvaluator)?.Name);
        }

        return new ColumnarStats(steps, groupBy, arguments, parse);
    }

    /// <summary>Adds every event of the chunk to <paramref name="stats"/> from <paramref name="memo"/>; false (nothing
    /// added) when the memo lacks a value an event needs.</summary>
    public bool TryRun(LogSourceMemo memo, StatsCollector stats, out long matched)
    {
        matched = 0;
        // A discovered column may be missing where no event needs it (a parse that always matched shadows it).
        var columns = new FieldColumn?[_fields.Count];
        for (var f = 0; f < columns.Length; f++)
        {
            columns[f] = Column(memo, _fields[f]);
        }

        FieldColumn? matchedColumn = null;
        var captures = Array.Empty<FieldColumn>();
        if (_parse is not null)
        {
            matchedColumn = Column(memo, _parse.MatchedKey);
            captures = [.. _parse.CaptureKeys.Select(k => Column(memo, k)!)];
            if (matchedColumn is null || captures.Any(c => c is null))
            {
                return false;
            }
        }

        // Each reference as the column it reads where the parse matched, and where it did not (or before the parse).
        FieldColumn? Pick(Ref r, bool matchedParse) => r.Capture >= 0 && matchedParse ? captures[r.Capture] : columns[r.Field];
        var steps = _steps.Select(s => (s.IsParse, Matched: s.IsParse ? null : Pick(s.Field, true), Unmatched: s.IsParse ? null : Pick(s.Field, false))).ToArray();
        var groupBy = _groupBy.Select(r => (Needed: true, Matched: Pick(r, true), Unmatched: Pick(r, false))).ToArray();
        var arguments = _arguments.Select(r => r is { } a ? (Needed: true, Matched: Pick(a, true), Unmatched: Pick(a, false)) : default).ToArray();
        var count = memo.Count;

        // First make sure every value some event needs is kept, so that nothing is added unless all of it can be. Kept
        // columns never change, so once this shape has passed over the chunk it passes again: that is noted in the memo.
        if (memo.Get(_checkedKey) is null)
        {
            for (var i = 0; i < count; i++)
            {
                if (Pass(steps, matchedColumn, i, check: true) is not { } parsed)
                {
                    continue;
                }

                if (parsed < 0 || !Known(groupBy, parsed == 1, i) || !Known(arguments, parsed == 1, i))
                {
                    return false;
                }
            }

            memo.TryAdd(_checkedKey, Checked, 64);
        }

        var byValues = new Value[groupBy.Length];
        var values = new Value[arguments.Length];

        // One by-field (the common case): its group per distinct string of the column, found once per chunk.
        var single = groupBy.Length == 1 ? new Dictionary<FieldColumn, Aggregator[]?[]>(ReferenceEqualityComparer.Instance) : null;
        FieldColumn? lastBy = null;
        Aggregator[]?[]? lastGroups = null;
        for (var i = 0; i < count; i++)
        {
            if (Pass(steps, matchedColumn, i, check: false) is not { } parsed)
            {
                continue;
            }

            var matchedParse = parsed == 1;
            for (var a = 0; a < arguments.Length; a++)
            {
                var column = matchedParse ? arguments[a].Matched : arguments[a].Unmatched;
                values[a] = column is null ? default : column.Get(i);
            }

            matched++;
            Aggregator[] states;
            if (single is not null && (matchedParse ? groupBy[0].Matched : groupBy[0].Unmatched) is { } by && by.StringId(i) is var id and >= 0)
            {
                if (!ReferenceEquals(by, lastBy))
                {
                    if (!single.TryGetValue(by, out lastGroups))
                    {
                        single[by] = lastGroups = new Aggregator[]?[by.DistinctStrings + 1];
                    }

                    lastBy = by;
                }

                states = lastGroups![id] ?? (lastGroups[id] = GroupOf(stats, byValues, by, i));
            }
            else
            {
                for (var g = 0; g < groupBy.Length; g++)
                {
                    byValues[g] = (matchedParse ? groupBy[g].Matched : groupBy[g].Unmatched)!.Get(i);
                }

                states = stats.StatesFor(byValues);
            }

            for (var k = 0; k < states.Length; k++)
            {
                states[k].AddValue(values[k]);
            }
        }

        return true;
    }

    private static Aggregator[] GroupOf(StatsCollector stats, Value[] byValues, FieldColumn by, int i)
    {
        byValues[0] = by.Get(i);
        return stats.StatesFor(byValues);
    }

    /// <summary>Runs the filters and the parse for event <paramref name="i"/>: null when a filter drops it, else 1
    /// when the parse matched and 0 when not (or there is none); −1 when checking and a value it needs is not kept.</summary>
    private static int? Pass((bool IsParse, FieldColumn? Matched, FieldColumn? Unmatched)[] steps, FieldColumn? parse, int i, bool check)
    {
        var matched = false;
        foreach (var step in steps)
        {
            if (step.IsParse)
            {
                if (check && !parse!.IsKnown(i))
                {
                    return -1;
                }

                matched = parse!.IsTrueAt(i);
                continue;
            }

            var column = matched ? step.Matched : step.Unmatched;
            if (check && (column is null || !column.IsKnown(i)))
            {
                return -1;
            }

            if (column!.IsNullAt(i))
            {
                return null;
            }
        }

        return matched ? 1 : 0;
    }

    /// <summary>Every needed value of event <paramref name="i"/> is kept (count(*)'s argument is not needed).</summary>
    private static bool Known((bool Needed, FieldColumn? Matched, FieldColumn? Unmatched)[] refs, bool matched, int i)
    {
        foreach (var (needed, whenMatched, otherwise) in refs)
        {
            var column = matched ? whenMatched : otherwise;
            if (needed && (column is null || !column.IsKnown(i)))
            {
                return false;
            }
        }

        return true;
    }

    private static FieldColumn? Column(LogSourceMemo memo, string key) => memo.Get(FieldMemo.KeyPrefix + key) as FieldColumn;

    /// <summary>Not a system field (those, and JSON keys shown as <c>@@key</c>, come from elsewhere).</summary>
    private static bool Plain(string name) => name.Length > 0 && name[0] != '@';

    /// <summary>A field as seen after (or before) the parse: its discovered column, and the capture that shadows it.</summary>
    private Ref RefOf(string name, bool afterParse)
    {
        var field = _fields.IndexOf(name);
        if (field < 0)
        {
            _fields.Add(name);
            field = _fields.Count - 1;
        }

        // A name the parse repeats (a glob's "as a, a") ends with its last capture, as Row.Set leaves it.
        var capture = afterParse && _parse is not null ? Array.FindLastIndex(_parse.Captures, c => c.Name == name) : -1;
        return new Ref(field, capture);
    }

    private readonly record struct Ref(int Field, int Capture);
}
