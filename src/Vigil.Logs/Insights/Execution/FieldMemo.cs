using Vigil.Logs.Engine;

namespace Vigil.Logs.Insights.Execution;

/// <summary>
/// A scan worker's view of the discovered fields kept with the chunk it is reading (<see cref="LogSourceMemo"/>): a
/// field some earlier query parsed out of every event it read there comes from that column; a field nobody kept yet
/// is recorded as this scan discovers it and kept when the chunk is done, for the next query. A value depends only on
/// the event's message, so any query may reuse it. At most <see cref="MaxColumns"/> new fields per chunk and scan.
/// Not thread-safe; one per row.
/// </summary>
internal sealed class FieldMemo
{
    private const int MaxColumns = 8;
    private const string KeyPrefix = "insights.field:";

    private readonly List<(string Name, FieldColumn? Column, bool Building)> _columns = [];
    private LogSourceMemo? _source;

    /// <summary>Starts a source; null when it keeps no memo (nothing is recorded then).</summary>
    public void Begin(LogSourceMemo? source)
    {
        _source = source;
        _columns.Clear();
    }

    /// <summary>The field's value for event <paramref name="index"/> when this source knows it.</summary>
    public bool TryGet(string name, int index, out Value value)
    {
        if (_source is not null && Column(name) is { } column && column.TryGet(index, out value))
        {
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Notes a value just discovered, when this scan is building the field's column here.</summary>
    public void Record(string name, int index, in Value value)
    {
        if (_source is not null)
        {
            foreach (var (known, column, building) in _columns)
            {
                if (ReferenceEquals(known, name) || string.Equals(known, name, StringComparison.Ordinal))
                {
                    if (building)
                    {
                        column!.Set(index, value);
                    }

                    return;
                }
            }
        }
    }

    /// <summary>Keeps the columns this scan built for the source (when the cache can hold them) and leaves it.</summary>
    public void End()
    {
        if (_source is not null)
        {
            foreach (var (name, column, building) in _columns)
            {
                if (building && column!.Known > 0)
                {
                    _source.TryAdd(KeyPrefix + name, column, column.Bytes);
                }
            }
        }

        _source = null;
        _columns.Clear();
    }

    private FieldColumn? Column(string name)
    {
        foreach (var (known, column, _) in _columns)
        {
            if (ReferenceEquals(known, name) || string.Equals(known, name, StringComparison.Ordinal))
            {
                return column;
            }
        }

        var kept = _source!.Get(KeyPrefix + name) as FieldColumn;
        var building = kept is null && _columns.Count(c => c.Building) < MaxColumns;
        var found = kept ?? (building ? new FieldColumn(_source.Count) : null);
        _columns.Add((name, found, building));
        return found;
    }
}

/// <summary>One field's value per event of a chunk, for the events a scan got to.</summary>
internal sealed class FieldColumn(int count)
{
    private readonly Value[] _values = new Value[count];
    private readonly ulong[] _known = new ulong[(count + 63) / 64];
    private string? _lastText;

    public int Known { get; private set; }

    /// <summary>Estimated memory: the values, and each string unless it repeats the one before.</summary>
    public long Bytes { get; private set; } = (count * 24L) + (count / 8);

    public bool TryGet(int index, out Value value)
    {
        if ((uint)index < (uint)_values.Length && (_known[index >> 6] & (1UL << index)) != 0)
        {
            value = _values[index];
            return true;
        }

        value = default;
        return false;
    }

    public void Set(int index, in Value value)
    {
        if ((uint)index >= (uint)_values.Length || (_known[index >> 6] & (1UL << index)) != 0)
        {
            return;
        }

        _values[index] = value;
        _known[index >> 6] |= 1UL << index;
        Known++;
        if (value.Kind is ValueKind.String or ValueKind.Number && value.TextOrNull is { } text && !ReferenceEquals(text, _lastText))
        {
            Bytes += 24 + (2L * text.Length);
            _lastText = text;
        }
    }
}
