using System.Text.Json;

namespace Vigil.Protocol.Codecs.AwsJson;

/// <summary>For data-plane fast paths that read a single-segment JSON body and keep strings as slices of it.</summary>
public static class JsonBodySlices
{
    /// <summary>
    /// The current token's bytes as (<paramref name="start"/>, <paramref name="length"/>) in the body, when it is a
    /// string without escapes; false for anything else (another type, an escaped string), which a fast path declines
    /// or unescapes itself.
    /// </summary>
    public static bool TryPlainString(ref Utf8JsonReader reader, out int start, out int length)
    {
        start = length = 0;
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || reader.HasValueSequence)
        {
            return false;
        }

        start = (int)reader.TokenStartIndex + 1;
        length = reader.ValueSpan.Length;
        return true;
    }
}
