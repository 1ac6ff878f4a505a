using System.Text.Json;

namespace Vigil.Logs.Engine.Encoding;

/// <summary>
/// The field names of JSON events (nested objects flattened as <c>a.b</c>, as Logs Insights discovers them), for a
/// block's field list: a query on a field that no event of a block has can skip the block.
/// </summary>
internal static class JsonFieldNames
{
    public const int MaxPerBlock = 256;

    public static void Collect(ReadOnlySpan<byte> message, HashSet<string> names)
    {
        if (message.IsEmpty || message[0] != (byte)'{' || names.Count >= MaxPerBlock)
        {
            return;
        }

        // Paths are built in a reused char buffer and looked up as spans: a string is made only for a new name (this
        // ran for every JSON event at every seal, and one string per property was most of its cost).
        var seen = names.GetAlternateLookup<ReadOnlySpan<char>>();
        var path = t_path ??= new char[256];
        var reader = new Utf8JsonReader(message, new JsonReaderOptions { MaxDepth = 16 });
        Span<int> prefixLengths = stackalloc int[17];
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    var depth = reader.CurrentDepth;
                    var length = depth > 1 ? prefixLengths[depth - 1] : 0;
                    var nameChars = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
                    if (length + 1 + nameChars > path.Length)
                    {
                        Array.Resize(ref path, Math.Max(path.Length * 2, length + 1 + nameChars));
                        t_path = path;
                    }

                    if (length > 0)
                    {
                        path[length++] = '.';
                    }

                    // An escaped or UTF-8 name never has more chars than its raw bytes.
                    length += reader.CopyString(path.AsSpan(length));
                    prefixLengths[depth] = length;
                    if (!reader.Read())
                    {
                        return;
                    }

                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        reader.Skip();
                    }

                    if (reader.TokenType != JsonTokenType.StartObject && names.Count < MaxPerBlock && !seen.Contains(path.AsSpan(0, length)))
                    {
                        seen.Add(path.AsSpan(0, length));
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

    [ThreadStatic]
    private static char[]? t_path;
}
