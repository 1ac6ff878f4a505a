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

        var reader = new Utf8JsonReader(message, new JsonReaderOptions { MaxDepth = 16 });
        Span<int> prefixLengths = stackalloc int[17];
        var path = new System.Text.StringBuilder();
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    var depth = reader.CurrentDepth;
                    path.Length = depth > 1 ? prefixLengths[depth - 1] : 0;
                    if (path.Length > 0)
                    {
                        path.Append('.');
                    }

                    path.Append(reader.GetString());
                    prefixLengths[depth] = path.Length;
                    if (!reader.Read())
                    {
                        return;
                    }

                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        reader.Skip();
                    }

                    if (reader.TokenType != JsonTokenType.StartObject && names.Count < MaxPerBlock)
                    {
                        names.Add(path.ToString());
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON after all (or too deep): it has no fields to list.
        }
    }
}
