namespace Vigil.Logs.Insights.Execution;

/// <summary>
/// One record flowing through the pipeline: an event's system fields, its discovered fields (found on first use),
/// and the fields commands set (<c>fields</c>, <c>parse</c>, <c>stats</c> output). Set fields shadow the others.
/// Rows made by <c>stats</c> have no event. Not thread-safe; a row belongs to one accumulator at a time.
/// </summary>
public sealed class Row
{
    private readonly LogEventInput _event;
    private readonly bool _hasEvent;
    private List<KeyValuePair<string, Value>>? _set;
    private Dictionary<string, Value>? _discovered;
    private bool _discoveryDone;

    public Row(LogEventInput e)
    {
        _event = e;
        _hasEvent = true;
    }

    private Row()
    {
    }

    public static Row Empty() => new();

    public bool HasEvent => _hasEvent;

    public LogEventInput Event => _event;

    /// <summary>Aggregate results of the stats group this row came from (read by the stats output expressions).</summary>
    internal Value[]? Slots { get; set; }

    /// <summary>Fields set by commands, in the order they were first set.</summary>
    public IReadOnlyList<KeyValuePair<string, Value>> SetFields => _set ?? (IReadOnlyList<KeyValuePair<string, Value>>)[];

    public Value Get(string name)
    {
        if (_set is not null)
        {
            for (var i = _set.Count - 1; i >= 0; i--)
            {
                if (string.Equals(_set[i].Key, name, StringComparison.Ordinal))
                {
                    return _set[i].Value;
                }
            }
        }

        if (!_hasEvent)
        {
            return Value.Null;
        }

        switch (name)
        {
            case "@timestamp": return Value.Timestamp(_event.Timestamp);
            case "@message": return Value.String(_event.Message);
            case "@logStream": return Value.String(_event.LogStream);
            case "@log": return Value.String(_event.LogGroup);
            case "@ingestionTime": return Value.Timestamp(_event.IngestionTime);
            case "@ptr": return Value.String(LogRecordPointer.Encode(_event));
        }

        if (!_discoveryDone)
        {
            _discovered = DiscoveredFields.Discover(_event.Message);
            _discoveryDone = true;
        }

        return _discovered is not null && _discovered.TryGetValue(name, out var value) ? value : Value.Null;
    }

    public void Set(string name, Value value)
    {
        _set ??= [];
        for (var i = 0; i < _set.Count; i++)
        {
            if (string.Equals(_set[i].Key, name, StringComparison.Ordinal))
            {
                _set[i] = new(name, value);
                return;
            }
        }

        _set.Add(new(name, value));
    }
}
