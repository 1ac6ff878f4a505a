using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Vigil.Logs.Insights.Execution;

/// <summary>
/// The discovered fields of one JSON event, read straight from its UTF-8 bytes: one pass of
/// <see cref="Utf8JsonReader"/> records each scalar's flattened path (<c>a.b</c>, <c>a.0.b</c>; a top-level key that
/// starts with <c>@</c> gets a second <c>@</c>) and where its value lies, and a value becomes a <see cref="Value"/>
/// only when a query asks for it. The same rules as <see cref="DiscoveredFields"/>: an invalid document has no fields,
/// at most <see cref="DiscoveredFields.MaxJsonFields"/> paths in document order, a repeated path keeps the last value.
/// Reusable: <see cref="Load"/> forgets the previous event, so a scan allocates nothing per event once its buffers
/// have grown. Not thread-safe.
/// </summary>
internal sealed class JsonFieldIndex
{
    private const int MaxDepth = 64;

    private readonly Utf8Interner? _interner;
    private readonly JsonReaderOptions _options = new() { MaxDepth = MaxDepth };
    private Entry[] _entries = new Entry[16];
    private Value?[] _values = new Value?[16];
    private int _count;
    private byte[] _paths = new byte[256]; // the path being built, as the reader descends
    private int _pathsUsed;
    private byte[] _kept = new byte[256]; // each entry's path, back to back
    private int _keptUsed;
    private byte[] _unescaped = new byte[256];
    private int _unescapedUsed;
    private byte[] _source = [];
    private int _sourceLength;

    // Names from queries are the same few string instances: their UTF-8 is kept by reference.
    private readonly (string? Name, byte[] Utf8)[] _names = new (string?, byte[])[8];
    private int _nextName;

    /// <param name="interner">The scan worker's interner, or null to decode every value.</param>
    public JsonFieldIndex(Utf8Interner? interner) => _interner = interner;

    public int Count => _count;

    /// <summary>Indexes <paramref name="json"/> (copied); false, with no fields, when it is not a JSON object.</summary>
    public bool Load(ReadOnlySpan<byte> json)
    {
        _count = 0;
        _pathsUsed = 0;
        _keptUsed = 0;
        _unescapedUsed = 0;
        if (_source.Length < json.Length)
        {
            _source = new byte[Math.Max(json.Length, _source.Length * 2)];
        }

        json.CopyTo(_source);
        _sourceLength = json.Length;
        try
        {
            return Index();
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            _count = 0; // Not JSON after all: only the system fields.
            return false;
        }
    }

    /// <summary>The value at a flattened path, or null when the event has no such field.</summary>
    public Value? Get(string name)
    {
        if (_count == 0)
        {
            return null;
        }

        var target = Utf8Of(name);
        for (var i = 0; i < _count; i++)
        {
            ref readonly var entry = ref _entries[i];
            if (_kept.AsSpan(entry.PathStart, entry.PathLength).SequenceEqual(target))
            {
                return _values[i] ??= Materialize(entry);
            }
        }

        return null;
    }

    /// <summary>Every field as (path, value), in document order; for callers that list fields.</summary>
    public IEnumerable<KeyValuePair<string, Value>> All()
    {
        for (var i = 0; i < _count; i++)
        {
            var entry = _entries[i];
            yield return new(Encoding.UTF8.GetString(_kept, entry.PathStart, entry.PathLength), _values[i] ??= Materialize(entry));
        }
    }

    private bool Index()
    {
        var reader = new Utf8JsonReader(_source.AsSpan(0, _sourceLength), _options);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            while (reader.Read())
            {
                // An array or scalar document has no fields, but only a valid one is "JSON" (as a parse would say).
            }

            return false;
        }

        // Per open container: where its path ends in _paths, and the next index when it is an array.
        Span<(int PathEnd, int NextIndex)> stack = stackalloc (int, int)[MaxDepth + 1];
        var depth = 0;
        stack[0] = (0, -1);
        var full = false;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    _pathsUsed = stack[depth].PathEnd;
                    if (depth > 0)
                    {
                        AppendPath("."u8);
                    }
                    else if (reader.ValueSpan.Length > 0 && reader.ValueSpan[0] == (byte)'@')
                    {
                        AppendPath("@"u8); // An escaped leading @ ("\u0040") is not caught here: rare and harmless.
                    }

                    AppendName(ref reader);
                    continue;
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    BeginItem(stack, depth);
                    depth++;
                    stack[depth] = (_pathsUsed, reader.TokenType == JsonTokenType.StartArray ? 0 : -1);
                    continue;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    depth--;
                    continue;
                default:
                    BeginItem(stack, depth);
                    if (!full)
                    {
                        full = !Add(ref reader);
                    }

                    continue;
            }
        }

        return true;
    }

    /// <summary>Inside an array, each item's path is the array's path plus its index.</summary>
    private void BeginItem(Span<(int PathEnd, int NextIndex)> stack, int depth)
    {
        if (stack[depth].NextIndex < 0)
        {
            return;
        }

        _pathsUsed = stack[depth].PathEnd;
        AppendPath("."u8);
        Span<byte> digits = stackalloc byte[11];
        Utf8Formatter.TryFormat(stack[depth].NextIndex, digits, out var written);
        AppendPath(digits[..written]);
        stack[depth].NextIndex++;
    }

    /// <summary>Records the scalar under the current path; false once the field limit is reached.</summary>
    private bool Add(ref Utf8JsonReader reader)
    {
        var path = _paths.AsSpan(0, _pathsUsed);
        var slot = -1;
        for (var i = 0; i < _count; i++)
        {
            if (_kept.AsSpan(_entries[i].PathStart, _entries[i].PathLength).SequenceEqual(path))
            {
                slot = i; // A repeated path keeps its place and takes the later value.
                break;
            }
        }

        int pathStart;
        if (slot >= 0)
        {
            pathStart = _entries[slot].PathStart;
        }
        else
        {
            if (_count >= DiscoveredFields.MaxJsonFields)
            {
                return false;
            }

            if (_count == _entries.Length)
            {
                Array.Resize(ref _entries, _count * 2);
                Array.Resize(ref _values, _count * 2);
            }

            slot = _count++;
            pathStart = _keptUsed;
            if (_keptUsed + path.Length > _kept.Length)
            {
                Array.Resize(ref _kept, Math.Max(_keptUsed + path.Length, _kept.Length * 2));
            }

            path.CopyTo(_kept.AsSpan(_keptUsed));
            _keptUsed += path.Length;
        }

        var kind = reader.TokenType;
        var start = (int)reader.TokenStartIndex;
        var length = reader.ValueSpan.Length;
        var escaped = reader.ValueIsEscaped;
        if (kind == JsonTokenType.String)
        {
            start++; // Past the opening quote.
            if (escaped)
            {
                EnsureUnescaped(length);
                length = reader.CopyString(_unescaped.AsSpan(_unescapedUsed));
                start = _unescapedUsed;
                _unescapedUsed += length;
            }
        }

        _entries[slot] = new Entry(pathStart, path.Length, kind, start, length, escaped);
        _values[slot] = null;
        return true;
    }

    private Value Materialize(in Entry entry)
    {
        var bytes = entry.Kind == JsonTokenType.String && entry.Escaped
            ? _unescaped.AsSpan(entry.ValueStart, entry.ValueLength)
            : _source.AsSpan(entry.ValueStart, entry.ValueLength);
        switch (entry.Kind)
        {
            case JsonTokenType.String:
                return Value.String(Text(bytes));
            case JsonTokenType.Number:
                if (!double.TryParse(bytes, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
                {
                    return Value.String(Text(bytes));
                }

                // A number written the way we would print it needs no copy of its text.
                Span<byte> printed = stackalloc byte[32];
                return Value.TryFormatNumber(number, printed, out var written) && printed[..written].SequenceEqual(bytes)
                    ? Value.Number(number)
                    : Value.WrittenNumber(Text(bytes), number);
            case JsonTokenType.True:
                return Value.String("true");
            case JsonTokenType.False:
                return Value.String("false");
            default:
                return Value.Null;
        }
    }

    private string Text(ReadOnlySpan<byte> utf8) => _interner?.Intern(utf8) ?? Encoding.UTF8.GetString(utf8);

    private void AppendName(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            AppendPath(reader.ValueSpan);
            return;
        }

        EnsurePaths(reader.ValueSpan.Length);
        _pathsUsed += reader.CopyString(_paths.AsSpan(_pathsUsed));
    }

    private void AppendPath(ReadOnlySpan<byte> bytes)
    {
        EnsurePaths(bytes.Length);
        bytes.CopyTo(_paths.AsSpan(_pathsUsed));
        _pathsUsed += bytes.Length;
    }

    private void EnsurePaths(int more) => EnsurePathsAt(_pathsUsed + more);

    private void EnsurePathsAt(int size)
    {
        if (size > _paths.Length)
        {
            Array.Resize(ref _paths, Math.Max(size, _paths.Length * 2));
        }
    }

    private void EnsureUnescaped(int more)
    {
        if (_unescapedUsed + more > _unescaped.Length)
        {
            Array.Resize(ref _unescaped, Math.Max(_unescapedUsed + more, _unescaped.Length * 2));
        }
    }

    private ReadOnlySpan<byte> Utf8Of(string name)
    {
        for (var i = 0; i < _names.Length; i++)
        {
            if (ReferenceEquals(_names[i].Name, name))
            {
                return _names[i].Utf8;
            }
        }

        // Round robin, not by identity hash: RuntimeHelpers.GetHashCode took a slow path here (~4 s over 10 M events).
        var utf8 = Encoding.UTF8.GetBytes(name);
        _names[_nextName] = (name, utf8);
        _nextName = (_nextName + 1) % _names.Length;
        return utf8;
    }

    private readonly record struct Entry(int PathStart, int PathLength, JsonTokenType Kind, int ValueStart, int ValueLength, bool Escaped);
}
