using Vigil.Logs.Insights.Plan;

namespace Vigil.Logs.Insights.Execution;

/// <summary>
/// The partial result of a query whose first blocking step is <c>sort</c>, <c>limit</c> or <c>dedup</c>: the rows
/// that can still reach the result. With a bound k it keeps the best k in the row order (a heap whose top is the
/// worst kept row: O(log k) per row, k rows of memory); with <c>dedup</c> it keeps the best row per key, plus every
/// row with a missing key field (AWS keeps those). Mergeable; not thread-safe.
/// </summary>
internal sealed class RowCollector
{
    private readonly RowOrder _order;
    private readonly int? _bound;
    private readonly IReadOnlyList<string>? _dedupFields;
    private readonly PriorityQueue<RowOrder.Entry, RowOrder.Entry>? _heap;
    private readonly List<RowOrder.Entry>? _all;
    private readonly Dictionary<string, RowOrder.Entry>? _bestPerKey;

    public RowCollector(RowOrder order, int? bound, IReadOnlyList<string>? dedupFields)
    {
        _order = order;
        _dedupFields = dedupFields;
        _bound = dedupFields is null ? bound : null;
        if (_dedupFields is not null)
        {
            _bestPerKey = new Dictionary<string, RowOrder.Entry>(StringComparer.Ordinal);
            _all = [];
        }
        else if (_bound is not null)
        {
            _heap = new PriorityQueue<RowOrder.Entry, RowOrder.Entry>(Comparer<RowOrder.Entry>.Create((a, b) => order.Compare(b, a)));
        }
        else
        {
            _all = [];
        }
    }

    /// <summary>Rows held; with a bound, never more than it.</summary>
    public int Count => (_heap?.Count ?? 0) + (_all?.Count ?? 0) + (_bestPerKey?.Count ?? 0);

    public bool IsFull => _bound is { } k && _heap!.Count >= k;

    public void Add(Row row) => Offer(_order.Make(row), scratch: false);

    /// <summary>Offers a row the caller goes on reusing: a copy is kept, and only when the row makes the cut.</summary>
    public void AddScratch(Row row) => Offer(_order.Make(row), scratch: true);

    public void Merge(RowCollector other)
    {
        foreach (var entry in other.Entries())
        {
            Offer(entry, scratch: false);
        }
    }

    /// <summary>The kept rows, best first.</summary>
    public List<Row> Emit()
    {
        var entries = Entries().ToList();
        entries.Sort(_order);
        return [.. entries.Select(e => e.Row)];
    }

    private IEnumerable<RowOrder.Entry> Entries()
    {
        if (_heap is not null)
        {
            foreach (var (entry, _) in _heap.UnorderedItems)
            {
                yield return entry;
            }
        }

        foreach (var entry in _all ?? [])
        {
            yield return entry;
        }

        foreach (var entry in _bestPerKey?.Values ?? Enumerable.Empty<RowOrder.Entry>())
        {
            yield return entry;
        }
    }

    private void Offer(RowOrder.Entry entry, bool scratch)
    {
        if (_dedupFields is not null)
        {
            if (DedupKey(entry.Row, _dedupFields) is not { } key)
            {
                _all!.Add(Keep(entry, scratch));
            }
            else if (!_bestPerKey!.TryGetValue(key, out var kept) || _order.Compare(entry, kept) < 0)
            {
                _bestPerKey[key] = Keep(entry, scratch);
            }

            return;
        }

        if (_heap is null)
        {
            _all!.Add(Keep(entry, scratch));
            return;
        }

        if (_heap.Count < _bound!.Value)
        {
            entry = Keep(entry, scratch);
            _heap.Enqueue(entry, entry);
        }
        else if (_order.Compare(entry, _heap.Peek()) < 0)
        {
            entry = Keep(entry, scratch);
            _heap.DequeueEnqueue(entry, entry);
        }
    }

    private static RowOrder.Entry Keep(RowOrder.Entry entry, bool scratch) => scratch ? entry with { Row = entry.Row.Detach() } : entry;

    /// <summary>The rendered values joined with a separator no rendering contains, or null when one is missing.</summary>
    public static string? DedupKey(Row row, IReadOnlyList<string> fields)
    {
        var parts = new string[fields.Count];
        for (var i = 0; i < parts.Length; i++)
        {
            if (row.Get(fields[i]).Render() is not { } text)
            {
                return null;
            }

            parts[i] = text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\u0001", "\\1", StringComparison.Ordinal);
        }

        return string.Join('\u0001', parts);
    }
}
