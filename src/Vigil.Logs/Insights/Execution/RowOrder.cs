using Vigil.Logs.Insights.Plan;

namespace Vigil.Logs.Insights.Execution;

/// <summary>
/// Orders rows: by sort keys (AWS's natural order, missing values last in either direction), then — and without
/// keys, only — newest first by (@timestamp, seq, stream, group), AWS's default order, which also makes ties
/// deterministic. Sort keys are evaluated once per row into an <see cref="Entry"/>.
/// </summary>
internal sealed class RowOrder : IComparer<RowOrder.Entry>
{
    private readonly IReadOnlyList<(Evaluator Key, bool Descending)> _keys;

    public RowOrder(SortNode? sort) => _keys = sort?.Keys ?? [];

    public static RowOrder Newest { get; } = new(null);

    public Entry Make(Row row)
    {
        var keys = new Value[_keys.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = _keys[i].Key.Evaluate(row);
        }

        return new Entry(row, keys);
    }

    public int Compare(Entry? a, Entry? b)
    {
        for (var i = 0; i < _keys.Count; i++)
        {
            var order = CompareNullsLast(a!.Keys[i], b!.Keys[i], _keys[i].Descending);
            if (order != 0)
            {
                return order;
            }
        }

        return CompareNewestFirst(a!.Row, b!.Row);
    }

    public static int CompareNullsLast(Value a, Value b, bool descending)
    {
        if (a.IsNull || b.IsNull)
        {
            return a.IsNull == b.IsNull ? 0 : a.IsNull ? 1 : -1;
        }

        var order = ValueOrder.Compare(a, b);
        return descending ? -order : order;
    }

    private static int CompareNewestFirst(Row a, Row b)
    {
        if (!a.HasEvent || !b.HasEvent)
        {
            return 0; // Rows made by stats keep their arrival order (sorts are stable).
        }

        var order = b.Timestamp.CompareTo(a.Timestamp);
        order = order != 0 ? order : b.Seq.CompareTo(a.Seq);
        order = order != 0 ? order : string.CompareOrdinal(a.LogStream, b.LogStream);
        return order != 0 ? order : string.CompareOrdinal(a.LogGroup, b.LogGroup);
    }

    public sealed record Entry(Row Row, Value[] Keys);
}
