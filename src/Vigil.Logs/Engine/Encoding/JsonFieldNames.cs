using System.Text.Json;
using Vigil.Protocol.Codecs.AwsJson;

namespace Vigil.Logs.Engine.Encoding;

/// <summary>
/// The field names of JSON events (nested objects flattened as <c>a.b</c>, as Logs Insights discovers them), for a
/// block's field list: a query on a field that no event of a block has can skip the block. A list may hold more names
/// than the events have (from a message that is not valid JSON after all), never fewer: a hint for skipping stays
/// safe that way.
/// </summary>
internal static class JsonFieldNames
{
    public const int MaxPerBlock = 256;
    private const int MaxDepth = 16;

    /// <summary>One message's names into <paramref name="names"/>, with no memory of shapes (a seal keeps one
    /// <see cref="FieldNameCollector"/> per block instead).</summary>
    public static void Collect(ReadOnlySpan<byte> message, HashSet<string> names) => new FieldNameCollector(names).Add(message);

    /// <summary>
    /// The names by a walk over the structure alone (<see cref="TryShape"/>), then added. False hands the message to
    /// the reader; nothing is added then.
    /// </summary>
    internal static bool TryCollectPlain(ReadOnlySpan<byte> json, HashSet<string> names)
    {
        var shape = new byte[256];
        if (!TryShape(json, ref shape, out var length))
        {
            return false;
        }

        AddShape(shape.AsSpan(0, length), names);
        return true;
    }

    /// <summary>
    /// A JSON object's shape: its names in order with their depth and whether each opens an object, as
    /// <c>depth, opens, length (4 bytes LE), name</c> entries in <paramref name="shape"/> (grown as needed). Names
    /// must be plain ASCII; values are skipped (strings by their quotes, arrays and objects in them by bracket depth,
    /// scalars up to the next delimiter) without being checked. False for anything else (escaped or non-ASCII names,
    /// deep nesting, a byte it does not expect): the reader's case.
    /// </summary>
    internal static bool TryShape(ReadOnlySpan<byte> json, ref byte[] shape, out int length)
    {
        length = 0;
        var depth = 1;
        var i = 1;
        while (true)
        {
            i = PlainJsonScanner.SkipWhitespace(json, i);
            if (i >= json.Length)
            {
                return true; // cut short: the reader would stop here as well
            }
            var c = json[i];
            if (c == (byte)'}')
            {
                i++;
                if (--depth == 0)
                {
                    return true;
                }
                continue;
            }
            if (c == (byte)',')
            {
                i++;
                continue;
            }
            if (c != (byte)'"')
            {
                return false;
            }

            // The name: plain ASCII up to its closing quote.
            var nameStart = ++i;
            while (i < json.Length && json[i] != (byte)'"')
            {
                if (json[i] is (byte)'\\' or >= 0x80 or < 0x20)
                {
                    return false;
                }
                i++;
            }
            var name = json[nameStart..Math.Min(i, json.Length)];
            i = PlainJsonScanner.SkipWhitespace(json, i + 1);
            if (i >= json.Length || json[i] != (byte)':')
            {
                return false;
            }
            i = PlainJsonScanner.SkipWhitespace(json, i + 1);
            if (i >= json.Length)
            {
                return true;
            }

            var opens = json[i] == (byte)'{';
            if (opens && depth == MaxDepth)
            {
                return false;
            }

            if (length + ShapeEntryHeader + name.Length > shape.Length)
            {
                Array.Resize(ref shape, Math.Max(shape.Length * 2, length + ShapeEntryHeader + name.Length));
            }
            shape[length] = (byte)depth;
            shape[length + 1] = opens ? (byte)1 : (byte)0;
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(shape.AsSpan(length + 2), name.Length);
            name.CopyTo(shape.AsSpan(length + ShapeEntryHeader));
            length += ShapeEntryHeader + name.Length;
            if (opens)
            {
                depth++;
                i++;
                continue;
            }
            i = SkipValue(json, i);
        }
    }

    /// <summary>Adds the dotted paths of a shape's members that do not open an object.</summary>
    internal static void AddShape(ReadOnlySpan<byte> shape, HashSet<string> names)
    {
        var seen = names.GetAlternateLookup<ReadOnlySpan<char>>();
        var path = t_path ??= new char[256];
        Span<int> prefixLengths = stackalloc int[MaxDepth + 1];
        for (var at = 0; at < shape.Length;)
        {
            var depth = shape[at];
            var opens = shape[at + 1] == 1;
            var name = shape.Slice(at + ShapeEntryHeader, System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(shape[(at + 2)..]));
            at += ShapeEntryHeader + name.Length;
            var length = depth > 1 ? prefixLengths[depth - 1] : 0;
            var room = NameRoom(ref path, ref length, name.Length);
            length += System.Text.Encoding.ASCII.GetChars(name, room);
            if (opens)
            {
                prefixLengths[depth] = length;
            }
            else
            {
                Add(seen, path.AsSpan(0, length));
            }
        }
    }

    /// <summary>Past one value that is not an object member's object: a string, an array (with all inside it), a scalar.</summary>
    private static int SkipValue(ReadOnlySpan<byte> json, int i)
    {
        var nesting = 0;
        for (; i < json.Length; i++)
        {
            switch (json[i])
            {
                case (byte)'"':
                    i = SkipString(json, i);
                    if (nesting == 0)
                    {
                        return i + 1;
                    }
                    break;
                case (byte)'[':
                case (byte)'{':
                    nesting++;
                    break;
                case (byte)']':
                case (byte)'}':
                    if (nesting == 0)
                    {
                        return i; // the end of the enclosing object: a scalar ended here
                    }
                    if (--nesting == 0)
                    {
                        return i + 1;
                    }
                    break;
                case (byte)',' or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n':
                    if (nesting == 0)
                    {
                        return i;
                    }
                    break;
            }
        }
        return i;
    }

    /// <summary>The index of the quote that closes the string opening at <paramref name="i"/> (or the end).</summary>
    private static int SkipString(ReadOnlySpan<byte> json, int i)
    {
        for (i++; i < json.Length; i++)
        {
            var at = json[i..].IndexOfAny((byte)'"', (byte)'\\');
            if (at < 0)
            {
                return json.Length;
            }
            i += at;
            if (json[i] == (byte)'"')
            {
                return i;
            }
            i++; // the escaped byte
        }
        return i;
    }

    /// <summary>
    /// Makes room in the path buffer for a name of up to <paramref name="maxChars"/> after the parent's
    /// <paramref name="length"/> chars (and a '.' when there is a parent), and returns that room.
    /// </summary>
    private static Span<char> NameRoom(ref char[] path, ref int length, int maxChars)
    {
        if (length + 1 + maxChars > path.Length)
        {
            Array.Resize(ref path, Math.Max(path.Length * 2, length + 1 + maxChars));
            t_path = path;
        }
        if (length > 0)
        {
            path[length++] = '.';
        }
        return path.AsSpan(length);
    }

    // Paths are looked up as spans: a string is made only for a new name (this runs for every JSON event at every
    // seal, and one string per property was most of its cost).
    private static void Add(HashSet<string>.AlternateLookup<ReadOnlySpan<char>> seen, ReadOnlySpan<char> path)
    {
        if (seen.Set.Count < MaxPerBlock && !seen.Contains(path))
        {
            seen.Add(path);
        }
    }

    /// <summary>The names by <see cref="Utf8JsonReader"/>, up to the first error.</summary>
    internal static void CollectWithReader(ReadOnlySpan<byte> message, HashSet<string> names)
    {
        // Paths are built in a reused char buffer.
        var seen = names.GetAlternateLookup<ReadOnlySpan<char>>();
        var path = t_path ??= new char[256];
        var reader = new Utf8JsonReader(message, new JsonReaderOptions { MaxDepth = MaxDepth });
        Span<int> prefixLengths = stackalloc int[MaxDepth + 1];
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    var depth = reader.CurrentDepth;
                    var length = depth > 1 ? prefixLengths[depth - 1] : 0;
                    var nameBytes = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
                    // An escaped or UTF-8 name never has more chars than its raw bytes.
                    var room = NameRoom(ref path, ref length, nameBytes);
                    length += reader.CopyString(room);
                    prefixLengths[depth] = length;
                    if (!reader.Read())
                    {
                        return;
                    }

                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        reader.Skip();
                    }

                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        Add(seen, path.AsSpan(0, length));
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON after all (or too deep): it has no fields to list.
        }
        catch (InvalidOperationException)
        {
            // A name that is not valid UTF-8 (CopyString throws this, not JsonException): the same. Uncaught, it
            // failed the whole seal.
        }
    }

    private const int ShapeEntryHeader = 6;

    [ThreadStatic]
    private static char[]? t_path;
}

/// <summary>
/// One block's field names (<see cref="JsonFieldNames"/>), remembering the shapes of the last few JSON messages: a
/// message shaped like one of them (the same names, nesting and order) has no new name, so it costs only its walk.
/// Most JSON logs repeat a handful of shapes; adding each name to the set was most of the cost (~0.5 µs a line).
/// </summary>
internal sealed class FieldNameCollector
{
    private const int RecentShapes = 4;

    private readonly byte[][] _recent = new byte[RecentShapes][];
    private int _recentCount;
    private byte[] _shape = new byte[256];

    public FieldNameCollector(HashSet<string>? names = null) => Names = names ?? new(StringComparer.Ordinal);

    public HashSet<string> Names { get; }

    public void Add(ReadOnlySpan<byte> message)
    {
        if (message.IsEmpty || message[0] != (byte)'{' || Names.Count >= JsonFieldNames.MaxPerBlock)
        {
            return;
        }

        // Most JSON log lines have plain ASCII names: a structural walk finds them without tokenising values. It
        // hands anything else (escaped or non-ASCII names, deep nesting, a byte it does not expect) to the reader.
        if (!JsonFieldNames.TryShape(message, ref _shape, out var length))
        {
            JsonFieldNames.CollectWithReader(message, Names);
            return;
        }

        var shape = _shape.AsSpan(0, length);
        for (var i = 0; i < _recentCount; i++)
        {
            if (shape.SequenceEqual(_recent[i]))
            {
                return;
            }
        }

        JsonFieldNames.AddShape(shape, Names);
        // Newest first; the oldest of a full list goes.
        var count = Math.Min(_recentCount + 1, RecentShapes);
        for (var i = count - 1; i > 0; i--)
        {
            _recent[i] = _recent[i - 1];
        }
        _recent[0] = shape.ToArray();
        _recentCount = count;
    }
}
