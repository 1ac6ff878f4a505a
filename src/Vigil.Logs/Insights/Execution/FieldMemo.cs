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
    private const int MaxNames = 32;
    /// <summary>What a kept column's name is prefixed with in the chunk's <see cref="LogSourceMemo"/>.</summary>
    public const string KeyPrefix = "insights.field:";

    // The names this scan asked for in the current source, each with the source's column (kept or being built) or null.
    private readonly string?[] _names = new string?[MaxNames];
    private readonly FieldColumn?[] _columns = new FieldColumn?[MaxNames];
    private readonly bool[] _building = new bool[MaxNames];
    private readonly FieldColumn?[] _replacing = new FieldColumn?[MaxNames]; // the partly kept column a copy extends
    private int _count;
    private int _buildingCount;
    private LogSourceMemo? _source;

    /// <summary>Starts a source; null when it keeps no memo (nothing is recorded then).</summary>
    public void Begin(LogSourceMemo? source)
    {
        _source = source;
        Forget();
    }

    /// <summary>The field's value for event <paramref name="index"/> when this source knows it.</summary>
    public bool TryGet(string name, int index, out Value value)
    {
        if (_source is not null && Slot(name) is var slot and >= 0 && _columns[slot] is { } column)
        {
            return column.TryGet(index, out value);
        }

        value = default;
        return false;
    }

    /// <summary>Notes a value just discovered, when this scan is building the field's column here.</summary>
    public void Record(string name, int index, in Value value)
    {
        if (_source is null || Slot(name) is not (var slot and >= 0))
        {
            return;
        }

        // A column kept for only some events (an earlier query stopped early or filtered) is extended on a copy, made
        // when this scan first finds a value it lacks, and kept in its place at the end.
        if (!_building[slot] && _columns[slot] is { } kept && kept.Known < kept.Count && _buildingCount < MaxColumns)
        {
            _replacing[slot] = kept;
            _columns[slot] = kept.Copy();
            _building[slot] = true;
            _buildingCount++;
        }

        if (_building[slot])
        {
            _columns[slot]!.Set(index, value);
        }
    }

    /// <summary>Keeps the columns this scan built for the source (when the cache can hold them) and leaves it.</summary>
    public void End()
    {
        if (_source is not null)
        {
            for (var i = 0; i < _count; i++)
            {
                if (_replacing[i] is { } old)
                {
                    if (_columns[i]!.Known > old.Known)
                    {
                        _source.TryReplace(KeyPrefix + _names[i], old, _columns[i]!, _columns[i]!.Bytes - old.Bytes);
                    }
                }
                else if (_building[i] && _columns[i]!.Known > 0)
                {
                    _source.TryAdd(KeyPrefix + _names[i], _columns[i]!, _columns[i]!.Bytes);
                }
            }
        }

        _source = null;
        Forget();
    }

    private void Forget()
    {
        Array.Clear(_names, 0, _count);
        Array.Clear(_columns, 0, _count);
        Array.Clear(_building, 0, _count);
        Array.Clear(_replacing, 0, _count);
        _count = 0;
        _buildingCount = 0;
    }

    /// <summary>The name's slot for this source (found or added), or −1 when the table is full.</summary>
    private int Slot(string name)
    {
        for (var i = 0; i < _count; i++)
        {
            if (ReferenceEquals(_names[i], name))
            {
                return i;
            }
        }

        for (var i = 0; i < _count; i++)
        {
            if (string.Equals(_names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        if (_count == MaxNames)
        {
            return -1;
        }

        var kept = _source!.Get(KeyPrefix + name) as FieldColumn;
        var building = kept is null && _buildingCount < MaxColumns;
        _names[_count] = name;
        _columns[_count] = kept ?? (building ? new FieldColumn(_source.Count) : null);
        _building[_count] = building;
        _buildingCount += building ? 1 : 0;
        return _count++;
    }
}

/// <summary>
/// One field's value per event of a chunk, for the events a scan got to. Stored without object references per
/// event (kinds, numbers, indexes into a table of distinct strings) so that hundreds of MB of kept fields cost the
/// garbage collector nothing to scan and no write barriers to fill.
/// </summary>
internal sealed class FieldColumn(int count)
{
    /// <summary>An independent copy, to extend while this one stays as it is for its readers.</summary>
    public FieldColumn Copy()
    {
        var copy = new FieldColumn(_kinds.Length) { Known = Known, Bytes = Bytes };
        _kinds.CopyTo(copy._kinds, 0);
        _numbers.CopyTo(copy._numbers, 0);
        _texts.CopyTo(copy._texts, 0);
        _known.CopyTo(copy._known, 0);
        copy._strings.AddRange(_strings);
        foreach (var (text, id) in _stringIds)
        {
            copy._stringIds.Add(text, id);
        }

        return copy;
    }

    private readonly byte[] _kinds = new byte[count];
    private readonly double[] _numbers = new double[count];
    private readonly int[] _texts = new int[count]; // 1 + index into _strings; 0: no text
    private readonly ulong[] _known = new ulong[(count + 63) / 64];
    private readonly List<string> _strings = [];
    private readonly Dictionary<string, int> _stringIds = new(StringComparer.Ordinal); // one instance per distinct text

    public int Known { get; private set; }

    /// <summary>Estimated memory: 13 bytes an event, and each distinct string.</summary>
    public long Bytes { get; private set; } = (count * 13L) + (count / 8);

    public int Count => _kinds.Length;

    public bool IsKnown(int index) => (_known[index >> 6] & (1UL << index)) != 0;

    /// <summary>Distinct strings the column holds; <see cref="StringId"/> is below this plus one.</summary>
    public int DistinctStrings => _strings.Count;

    /// <summary>For a known event whose value is a string (or no value: 0), one number per distinct text; −1 for other
    /// kinds (numbers render by their own rules).</summary>
    public int StringId(int index) => _kinds[index] switch
    {
        (byte)ValueKind.String => _texts[index],
        (byte)ValueKind.Null => 0,
        _ => -1,
    };

    /// <summary>The event's value (known) is no value.</summary>
    public bool IsNullAt(int index) => _kinds[index] == (byte)ValueKind.Null;

    /// <summary>The event's value (known) is true as a boolean (<see cref="Value.AsBoolean"/>).</summary>
    public bool IsTrueAt(int index) => _kinds[index] is (byte)ValueKind.Boolean or (byte)ValueKind.Number && _numbers[index] != 0;

    /// <summary>The value of an event that <see cref="IsKnown"/>.</summary>
    public Value Get(int index)
    {
        var text = _texts[index];
        return Value.FromParts((ValueKind)_kinds[index], text == 0 ? null : _strings[text - 1], _numbers[index]);
    }

    public bool TryGet(int index, out Value value)
    {
        var known = (uint)index < (uint)_kinds.Length && IsKnown(index);
        value = known ? Get(index) : default;
        return known;
    }

    public void Set(int index, in Value value)
    {
        if ((uint)index >= (uint)_kinds.Length || (_known[index >> 6] & (1UL << index)) != 0)
        {
            return;
        }

        _kinds[index] = (byte)value.Kind;
        _numbers[index] = value.RawNumber;
        if (value.TextOrNull is { } text)
        {
            if (!_stringIds.TryGetValue(text, out var id))
            {
                _strings.Add(text);
                id = _strings.Count;
                _stringIds.Add(text, id);
                Bytes += 48 + (2L * text.Length);
            }

            _texts[index] = id;
        }

        _known[index >> 6] |= 1UL << index;
        Known++;
    }
}
