namespace Vigil.Logs.FilterPatterns.Matching;

/// <summary>Where one field of a space-delimited message lies: <see cref="Start"/> is the first character as written
/// (an opening quote or bracket included), <see cref="ValueStart"/>/<see cref="ValueLength"/> the value without them.</summary>
internal readonly record struct FieldSpan(int Start, int ValueStart, int ValueLength);

/// <summary>Splits a message into fields the way AWS describes: runs of whitespace separate fields, and text between
/// double quotes or square brackets is one field (the quotes or brackets are not part of its value).</summary>
/// <remarks>Choices the docs leave open: there are no escapes inside quotes; an opening quote or bracket with no
/// closing one is an ordinary character; the field ends at the closing quote or bracket even when more text
/// follows without a space (that text starts the next field).</remarks>
internal static class MessageFields
{
    /// <summary>Writes up to <c>fields.Length</c> fields and returns how many the message has (may exceed the span).</summary>
    public static int Split(ReadOnlySpan<char> message, Span<FieldSpan> fields)
    {
        var count = 0;
        var i = 0;
        while (true)
        {
            while (i < message.Length && IsSeparator(message[i]))
            {
                i++;
            }
            if (i >= message.Length)
            {
                return count;
            }
            var start = i;
            var close = message[i] switch
            {
                '"' => '"',
                '[' => ']',
                _ => '\0',
            };
            var closeAt = close == '\0' ? -1 : message[(i + 1)..].IndexOf(close);
            FieldSpan field;
            if (closeAt >= 0)
            {
                field = new FieldSpan(start, start + 1, closeAt);
                i = start + closeAt + 2;
            }
            else
            {
                while (i < message.Length && !IsSeparator(message[i]))
                {
                    i++;
                }
                field = new FieldSpan(start, start, i - start);
            }
            if (count < fields.Length)
            {
                fields[count] = field;
            }
            count++;
        }
    }

    public static bool IsSeparator(char c) => c is ' ' or '\t' or '\r' or '\n';
}
