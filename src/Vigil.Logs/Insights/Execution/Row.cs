using System.Text;

namespace Vigil.Logs.Insights.Execution;

/// <summary>
/// One record flowing through the pipeline: an event's system fields, its discovered fields (found on first use),
/// and the fields commands set (<c>fields</c>, <c>parse</c>, <c>stats</c> output). Set fields shadow the others.
/// Rows made by <c>stats</c> have no event. A scan reuses one row per worker for every event (<see cref="Load"/>):
/// the message stays UTF-8 until something needs it as text, and a collector that keeps a row keeps a
/// <see cref="Detach"/>ed copy. Not thread-safe; a row belongs to one accumulator at a time.
/// </summary>
public sealed class Row
{
    private const byte NotDiscovered = 0, DiscoveredJson = 1, DiscoveredOther = 2, NoFields = 3;

    private readonly Utf8Interner? _interner;
    private bool _hasEvent;
    private string _logGroup = "";
    private string _logStream = "";
    private long _timestamp;
    private long _ingestionTime;
    private long _seq;
    private string? _message;
    private byte[] _utf8 = []; // owned: a copied message, or the string one encoded
    private ReadOnlyMemory<byte> _message8; // the message's UTF-8: in _utf8 or borrowed from the scan
    private bool _hasUtf8; // false: the event came as a string and has not been encoded yet
    private List<KeyValuePair<string, Value>>? _set;
    private byte _discovery;
    private JsonFieldIndex? _json;
    private Dictionary<string, Value>? _otherFields;
    private FieldMemo? _memo;
    private int _index = -1;

    public Row(LogEventInput e) => Load(e);

    private Row(Utf8Interner? interner) => _interner = interner;

    public static Row Empty() => new((Utf8Interner?)null);

    /// <summary>A row for a scan to <see cref="Load"/> event after event, sharing the worker's interner.</summary>
    internal static Row Scratch(Utf8Interner interner) => new(interner);

    public bool HasEvent => _hasEvent;

    public long Timestamp => _timestamp;

    public long Seq => _seq;

    public string LogStream => _logStream;

    public string LogGroup => _logGroup;

    /// <summary>Aggregate results of the stats group this row came from (read by the stats output expressions).</summary>
    internal Value[]? Slots { get; set; }

    /// <summary>Fields set by commands, in the order they were first set.</summary>
    public IReadOnlyList<KeyValuePair<string, Value>> SetFields => _set ?? (IReadOnlyList<KeyValuePair<string, Value>>)[];

    private string Message => _message ??= Encoding.UTF8.GetString(_message8.Span);

    /// <summary>The event's message as UTF-8, unless a command has set <c>@message</c>: then false.</summary>
    internal bool TryGetMessageUtf8(out ReadOnlySpan<byte> utf8)
    {
        if (!_hasEvent || IsSet("@message"))
        {
            utf8 = default;
            return false;
        }

        utf8 = MessageUtf8();
        return true;
    }

    /// <summary>The memo of the source the next <see cref="Borrow"/>ed events come from (their index is their place in it).</summary>
    internal FieldMemo Memo => _memo ??= new FieldMemo();

    /// <summary>A value a query derived from this event's message alone and kept with its chunk under
    /// <paramref name="key"/> (<see cref="FieldMemo"/>), when there is one.</summary>
    internal bool TryRecall(string key, out Value value)
    {
        value = default;
        return _index >= 0 && _memo is not null && _memo.TryGet(key, _index, out value);
    }

    /// <summary>Offers a value derived from this event's message alone to its chunk's memo.</summary>
    internal void Remember(string key, in Value value)
    {
        if (_index >= 0)
        {
            _memo?.Record(key, _index, value);
        }
    }

    /// <summary>Makes this row the given event; the message bytes are copied.</summary>
    internal void Load(string logGroup, string logStream, long timestamp, long ingestionTime, long seq, ReadOnlySpan<byte> message)
    {
        Reset(logGroup, logStream, timestamp, ingestionTime, seq);
        _index = -1;
        if (_utf8.Length < message.Length)
        {
            _utf8 = new byte[Math.Max(message.Length, _utf8.Length * 2)];
        }

        message.CopyTo(_utf8);
        _message8 = _utf8.AsMemory(0, message.Length);
        _hasUtf8 = true;
        _message = null;
    }

    /// <summary>Makes this row the given event, reading its bytes in place: they must not change while it is
    /// loaded (a collector that keeps the row keeps a <see cref="Detach"/>ed copy). <paramref name="index"/> is the
    /// event's place in its source, for <see cref="Memo"/>.</summary>
    internal void Borrow(string logGroup, string logStream, long timestamp, long ingestionTime, long seq, ReadOnlyMemory<byte> message, int index)
    {
        Reset(logGroup, logStream, timestamp, ingestionTime, seq);
        _index = index;
        _message8 = message;
        _hasUtf8 = true;
        _message = null;
    }

    internal void Load(in LogEventInput e)
    {
        Reset(e.LogGroup, e.LogStream, e.Timestamp, e.IngestionTime, e.Seq);
        _index = -1;
        _message = e.Message;
        _hasUtf8 = false;
    }

    /// <summary>A copy that owns its data, for a collector to keep after this row moves on to the next event.</summary>
    internal Row Detach()
    {
        var copy = new Row((Utf8Interner?)null)
        {
            _hasEvent = _hasEvent,
            _logGroup = _logGroup,
            _logStream = _logStream,
            _timestamp = _timestamp,
            _ingestionTime = _ingestionTime,
            _seq = _seq,
            _message = _hasEvent ? Message : null,
            _set = _set is { Count: > 0 } ? [.. _set] : null,
            Slots = Slots,
        };
        return copy;
    }

    /// <summary>A string for a short value, shared with earlier rows of the scan that had the same one.</summary>
    internal string Intern(ReadOnlySpan<char> text) => _interner?.Intern(text) ?? text.ToString();

    /// <inheritdoc cref="Intern(ReadOnlySpan{char})"/>
    internal string Intern(ReadOnlySpan<byte> utf8) => _interner?.Intern(utf8) ?? Encoding.UTF8.GetString(utf8);

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

        switch (name.Length > 1 && name[0] == '@' ? name : "")
        {
            case "@timestamp": return Value.Timestamp(_timestamp);
            case "@message": return Value.String(Message);
            case "@logStream": return Value.String(_logStream);
            case "@log": return Value.String(_logGroup);
            case "@ingestionTime": return Value.Timestamp(_ingestionTime);
            case "@ptr": return Value.String(LogRecordPointer.Encode(_logGroup, _logStream, _timestamp, _seq));
        }

        if (TryRecall(name, out var kept))
        {
            return kept;
        }

        if (_discovery == NotDiscovered)
        {
            Discover();
        }

        var found = _discovery switch
        {
            DiscoveredJson => _json!.Get(name) ?? Value.Null,
            DiscoveredOther => _otherFields!.TryGetValue(name, out var value) ? value : Value.Null,
            _ => Value.Null,
        };
        Remember(name, found);
        return found;
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

    private void Reset(string logGroup, string logStream, long timestamp, long ingestionTime, long seq)
    {
        _hasEvent = true;
        (_logGroup, _logStream, _timestamp, _ingestionTime, _seq) = (logGroup, logStream, timestamp, ingestionTime, seq);
        _set?.Clear();
        _discovery = NotDiscovered;
        _otherFields = null;
        Slots = null;
    }

    private bool IsSet(string name)
    {
        if (_set is not null)
        {
            foreach (var (key, _) in _set)
            {
                if (string.Equals(key, name, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private ReadOnlySpan<byte> MessageUtf8()
    {
        if (!_hasUtf8)
        {
            var needed = Encoding.UTF8.GetByteCount(_message!);
            if (_utf8.Length < needed)
            {
                _utf8 = new byte[needed];
            }

            _message8 = _utf8.AsMemory(0, Encoding.UTF8.GetBytes(_message!, _utf8));
            _hasUtf8 = true;
        }

        return _message8.Span;
    }

    /// <summary>JSON objects through the reusable index; anything else (Lambda REPORT lines) the slow way, rarely.</summary>
    private void Discover()
    {
        var utf8 = MessageUtf8();
        var start = 0;
        while (start < utf8.Length && utf8[start] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            start++;
        }

        if (start < utf8.Length && utf8[start] == (byte)'{')
        {
            _json ??= new JsonFieldIndex(_interner);
            _discovery = _json.Load(utf8) ? DiscoveredJson : NoFields;
            return;
        }

        _otherFields = utf8.StartsWith("REPORT RequestId:"u8) ? DiscoveredFields.Discover(Message) : null;
        _discovery = _otherFields is null ? NoFields : DiscoveredOther;
    }
}
