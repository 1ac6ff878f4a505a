using System.Text.Json;
using System.Text.Unicode;
using Vigil.Protocol.Codecs.AwsJson;

namespace Vigil.Logs.Api.FastPath;

/// <summary>
/// One pass over the JSON body with <see cref="Utf8JsonReader"/>: names and plain messages stay slices of the body,
/// escaped messages are unescaped into the state's scratch buffer. Anything else is declined (false).
/// </summary>
internal sealed partial class PutLogEventsFastPath
{
    private static bool Parse(ReadOnlySpan<byte> body, State s)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 8 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            bool events = false, token = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("logGroupName"u8))
                {
                    if (s.GroupStart >= 0 || !reader.Read() || !Plain(ref reader, out s.GroupStart, out s.GroupLength) || !GroupName(reader.ValueSpan))
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("logStreamName"u8))
                {
                    if (s.StreamStart >= 0 || !reader.Read() || !Plain(ref reader, out s.StreamStart, out s.StreamLength) || !StreamName(reader.ValueSpan))
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("logEvents"u8))
                {
                    if (events || !reader.Read() || reader.TokenType != JsonTokenType.StartArray || !ParseEvents(ref reader, s))
                    {
                        return false;
                    }

                    events = true;
                }
                else if (reader.ValueTextEquals("sequenceToken"u8))
                {
                    // Ignored, as the handler ignores it; the model wants at least one character.
                    if (token || !reader.Read() || !Plain(ref reader, out _, out var length) || length == 0 || !Utf8.IsValid(reader.ValueSpan))
                    {
                        return false;
                    }

                    token = true;
                }
                else
                {
                    return false; // entity, or a member the generic decoder would skip: its answer, not ours
                }
            }

            return reader.TokenType == JsonTokenType.EndObject && !reader.Read() && events && s.GroupStart >= 0 && s.StreamStart >= 0;
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false; // an escape that is not valid UTF-16 (a lone surrogate): the generic decoder fails on it too
        }
    }

    private static bool ParseEvents(ref Utf8JsonReader reader, State s)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            if (s.Count == MaxEvents)
            {
                return false; // over 10,000: the generic path says so
            }

            long timestamp = -1;
            int start = 0, length = -1;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("timestamp"u8))
                {
                    if (timestamp >= 0 || !reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out timestamp) || timestamp < 0)
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("message"u8))
                {
                    if (length >= 0 || !reader.Read() || !Message(ref reader, s, out start, out length))
                    {
                        return false;
                    }
                }
                else
                {
                    return false;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || timestamp < 0 || length < 0)
            {
                return false;
            }

            s.Timestamps[s.Count] = timestamp;
            s.Starts[s.Count] = start;
            s.Sizes[s.Count] = length;
            s.Count++;
        }

        return reader.TokenType == JsonTokenType.EndArray && s.Count > 0;
    }

    /// <summary>A message of at least one character in valid UTF-8: a slice of the body, or (escaped) of the scratch buffer (start &lt; 0).</summary>
    private static bool Message(ref Utf8JsonReader reader, State s, out int start, out int length)
    {
        start = length = 0;
        if (reader.TokenType != JsonTokenType.String || reader.HasValueSequence)
        {
            return false;
        }

        var raw = reader.ValueSpan;
        if (!reader.ValueIsEscaped)
        {
            start = (int)reader.TokenStartIndex + 1;
            length = raw.Length;
            return length > 0 && Utf8.IsValid(raw);
        }

        // Unescaping only shrinks a string, so its raw length is room enough.
        s.EnsureScratch(raw.Length);
        length = reader.CopyString(s.Scratch.AsSpan(s.ScratchLength));
        if (length == 0 || !Utf8.IsValid(s.Scratch.AsSpan(s.ScratchLength, length)))
        {
            return false;
        }

        start = ~s.ScratchLength;
        s.ScratchLength += length;
        return true;
    }

    private static bool Plain(ref Utf8JsonReader reader, out int start, out int length) =>
        JsonBodySlices.TryPlainString(ref reader, out start, out length);

    /// <summary>The model's LogGroupName: 1–512 of <c>[.\-_/#A-Za-z0-9]</c> (ASCII, so bytes are characters).</summary>
    private static bool GroupName(ReadOnlySpan<byte> name)
    {
        if (name.Length is 0 or > 512)
        {
            return false;
        }

        foreach (var b in name)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'.' or (byte)'-' or (byte)'_' or (byte)'/' or (byte)'#'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The model's LogStreamName, <c>[^:*]*</c> of 1–512 characters; only printable ASCII is taken here.</summary>
    private static bool StreamName(ReadOnlySpan<byte> name) =>
        name.Length is > 0 and <= 512 && !name.ContainsAnyExceptInRange((byte)0x20, (byte)0x7E) && !name.ContainsAny((byte)':', (byte)'*');
}
