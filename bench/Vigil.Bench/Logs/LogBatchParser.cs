using System.Text.Json;

namespace Vigil.Bench.Logs;

/// <summary>One gen.py awsbatch line for logs: a PutLogEvents body (logGroupName, logStreamName, logEvents).</summary>
internal sealed record LogBatch(string Group, string Stream, List<(long Timestamp, string Message)> Events)
{
    public static LogBatch Parse(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        string? group = null, stream = null;
        var events = new List<(long, string)>();
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
            {
                continue;
            }

            if (reader.ValueTextEquals("logGroupName"u8))
            {
                reader.Read();
                group = reader.GetString();
            }
            else if (reader.ValueTextEquals("logStreamName"u8))
            {
                reader.Read();
                stream = reader.GetString();
            }
            else if (reader.ValueTextEquals("logEvents"u8))
            {
                reader.Read();
                long ts = 0;
                string? message = null;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var isTs = reader.ValueTextEquals("timestamp"u8);
                        reader.Read();
                        if (isTs)
                        {
                            ts = reader.GetInt64();
                        }
                        else
                        {
                            message = reader.GetString();
                        }
                    }
                    else if (reader.TokenType == JsonTokenType.EndObject)
                    {
                        events.Add((ts, message ?? ""));
                    }
                }
            }
        }

        return new LogBatch(group ?? throw new InvalidDataException("body without logGroupName"), stream ?? throw new InvalidDataException("body without logStreamName"), events);
    }
}
