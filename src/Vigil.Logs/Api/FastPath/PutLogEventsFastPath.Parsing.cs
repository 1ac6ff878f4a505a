using Vigil.Protocol.Codecs.AwsJson;

namespace Vigil.Logs.Api.FastPath;

/// <summary>
/// One pass over the JSON body with <see cref="PlainJsonScanner"/>: names and plain messages stay slices of the body,
/// escaped messages are unescaped into the state's scratch buffer. Anything else is declined (false).
/// </summary>
internal sealed partial class PutLogEventsFastPath
{
    private static bool Parse(ReadOnlySpan<byte> body, State s)
    {
        // Unescaping only shrinks, so every message of the body fits in the body's length of scratch.
        s.EnsureScratch(body.Length);
        var json = new PlainJsonScanner(body);
        if (!json.Take((byte)'{'))
        {
            return false;
        }

        bool events = false, token = false;
        do
        {
            if (!json.TryName(out var name))
            {
                return false;
            }

            bool ok;
            if (name.SequenceEqual("logEvents"u8))
            {
                ok = !events && ParseEvents(ref json, s);
                events = true;
            }
            else if (name.SequenceEqual("logGroupName"u8))
            {
                ok = s.GroupStart < 0 && json.TryString(out s.GroupStart, out s.GroupLength) && GroupName(body.Slice(s.GroupStart, s.GroupLength));
            }
            else if (name.SequenceEqual("logStreamName"u8))
            {
                ok = s.StreamStart < 0 && json.TryString(out s.StreamStart, out s.StreamLength) && StreamName(body.Slice(s.StreamStart, s.StreamLength));
            }
            else if (name.SequenceEqual("sequenceToken"u8))
            {
                // Ignored, as the handler ignores it; the model wants at least one character.
                ok = !token && json.TryString(out _, out var length) && length > 0;
                token = true;
            }
            else
            {
                ok = false; // entity, or a member the generic decoder would skip: its answer, not ours
            }

            if (!ok)
            {
                return false;
            }
        }
        while (json.Take((byte)','));

        return json.Take((byte)'}') && json.AtEnd() && events && s.GroupStart >= 0 && s.StreamStart >= 0;
    }

    private static bool ParseEvents(ref PlainJsonScanner json, State s)
    {
        if (!json.Take((byte)'['))
        {
            return false;
        }

        do
        {
            if (s.Count == MaxEvents || !json.Take((byte)'{'))
            {
                return false; // over 10,000 (the generic path says so), or not an object
            }

            long timestamp = -1;
            int start = 0, length = -1;
            do
            {
                if (!json.TryName(out var name))
                {
                    return false;
                }

                var ok = name.SequenceEqual("timestamp"u8) ? timestamp < 0 && json.TryInt64(out timestamp) && timestamp >= 0
                    : name.SequenceEqual("message"u8) && length < 0 && Message(ref json, s, out start, out length);
                if (!ok)
                {
                    return false;
                }
            }
            while (json.Take((byte)','));

            if (!json.Take((byte)'}') || timestamp < 0 || length < 0)
            {
                return false;
            }

            s.Timestamps[s.Count] = timestamp;
            s.Starts[s.Count] = start;
            s.Sizes[s.Count] = length;
            s.Count++;
        }
        while (json.Take((byte)','));

        return json.Take((byte)']') && s.Count > 0;
    }

    /// <summary>A message of at least one character in valid UTF-8: a slice of the body, or (escaped) of the scratch buffer (start &lt; 0).</summary>
    private static bool Message(ref PlainJsonScanner json, State s, out int start, out int length)
    {
        if (!json.TryUnescapedString(s.Scratch.AsSpan(s.ScratchLength), out start, out length, out var copied) || length == 0)
        {
            return false;
        }

        if (copied)
        {
            start = ~s.ScratchLength;
            s.ScratchLength += length;
        }

        return true;
    }

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
