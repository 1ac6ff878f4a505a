using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Primitives;
using Vigil.Protocol.Codecs;

namespace Vigil.Protocol.SigV4;

/// <summary>
/// Writes the SigV4 canonical request with the rules for non-S3 services (the ones botocore
/// and the JS SDK apply to everything Vigil serves):
/// <code>
/// METHOD \n canonical-uri \n canonical-query \n (name:value \n)* \n signed-headers \n payload-hash
/// </code>
/// The URI is the wire path with dot segments and empty segments removed, each byte then
/// URI-encoded again (so %20 on the wire signs as %2520). Query keys and values are decoded and
/// re-encoded per RFC 3986, then sorted by key and value. Header values are trimmed, inner runs
/// of spaces collapse to one, and repeated headers join with ','.
/// </summary>
internal static class CanonicalRequest
{
    private const int StackEntries = 16;

    /// <summary>
    /// Writes everything up to and including the newline before the payload hash, so the
    /// caller can try more than one payload hash on the same prefix.
    /// </summary>
    public static void WritePrefix<TRequest>(ref Utf8Buffer buffer, TRequest request, ReadOnlySpan<char> signedHeaders, bool excludeSignatureParameter)
        where TRequest : ISigV4Request, allows ref struct
    {
        buffer.AppendUtf16(request.Method);
        buffer.Append('\n');
        WriteUri(ref buffer, request.RawPath);
        buffer.Append('\n');
        WriteQuery(ref buffer, request.RawQuery, excludeSignatureParameter);
        buffer.Append('\n');
        WriteHeaders(ref buffer, request, signedHeaders);
        buffer.Append('\n');
        buffer.AppendUtf16(signedHeaders);
        buffer.Append('\n');
    }

    /// <summary>The whole canonical request as text, for tests and for debugging a mismatch.</summary>
    public static string Build<TRequest>(TRequest request, ReadOnlySpan<char> signedHeaders, bool excludeSignatureParameter, string payloadHash)
        where TRequest : ISigV4Request, allows ref struct
    {
        Utf8Buffer buffer = new(1024);
        try
        {
            WritePrefix(ref buffer, request, signedHeaders, excludeSignatureParameter);
            buffer.AppendUtf16(payloadHash);
            return Encoding.UTF8.GetString(buffer.Slice(0));
        }
        finally
        {
            buffer.Dispose();
        }
    }

    public static void WriteUri(ref Utf8Buffer buffer, ReadOnlySpan<char> rawPath)
    {
        int start = buffer.Length;
        if (rawPath.IsEmpty || rawPath[0] == '/')
        {
            buffer.Append('/');
        }

        // Output offsets where each kept segment starts, so ".." can truncate back to them.
        int maxSegments = rawPath.Count('/') + 1;
        int[]? rented = null;
        Span<int> segmentStarts = maxSegments <= 64 ? stackalloc int[64] : (rented = ArrayPool<int>.Shared.Rent(maxSegments));
        int segments = 0;

        ReadOnlySpan<char> rest = rawPath;
        while (!rest.IsEmpty)
        {
            int slash = rest.IndexOf('/');
            ReadOnlySpan<char> segment = slash < 0 ? rest : rest[..slash];
            rest = slash < 0 ? default : rest[(slash + 1)..];
            if (segment.IsEmpty || segment is ".")
            {
                continue;
            }

            if (segment is "..")
            {
                if (segments > 0)
                {
                    buffer.Length = segmentStarts[--segments];
                }

                continue;
            }

            segmentStarts[segments] = buffer.Length;
            if (segments++ > 0)
            {
                buffer.Append('/');
            }

            AppendEncoded(ref buffer, segment, decode: false);
        }

        if (segments > 0 && rawPath[^1] == '/')
        {
            buffer.Append('/');
        }

        if (buffer.Length == start)
        {
            buffer.Append('/');
        }

        if (rented is not null)
        {
            ArrayPool<int>.Shared.Return(rented);
        }
    }

    public static void WriteQuery(ref Utf8Buffer buffer, ReadOnlySpan<char> rawQuery, bool excludeSignatureParameter)
    {
        if (!rawQuery.IsEmpty && rawQuery[0] == '?')
        {
            rawQuery = rawQuery[1..];
        }

        if (rawQuery.IsEmpty)
        {
            return;
        }

        int maxParams = rawQuery.Count('&') + 1;
        QueryParameter[]? rented = null;
        Span<QueryParameter> parameters = maxParams <= StackEntries
            ? stackalloc QueryParameter[StackEntries]
            : (rented = ArrayPool<QueryParameter>.Shared.Rent(maxParams));

        // First pass: encode every key=value into a scratch region after the current end.
        int regionStart = buffer.Length;
        int count = 0;
        ReadOnlySpan<char> rest = rawQuery;
        while (!rest.IsEmpty)
        {
            int amp = rest.IndexOf('&');
            ReadOnlySpan<char> pair = amp < 0 ? rest : rest[..amp];
            rest = amp < 0 ? default : rest[(amp + 1)..];
            if (pair.IsEmpty)
            {
                continue;
            }

            int eq = pair.IndexOf('=');
            int keyStart = buffer.Length;
            AppendEncoded(ref buffer, eq < 0 ? pair : pair[..eq], decode: true);
            int keyLength = buffer.Length - keyStart;
            if (excludeSignatureParameter && buffer.Slice(keyStart, keyLength).SequenceEqual("X-Amz-Signature"u8))
            {
                buffer.Length = keyStart;
                continue;
            }

            int valueStart = buffer.Length;
            if (eq >= 0)
            {
                AppendEncoded(ref buffer, pair[(eq + 1)..], decode: true);
            }

            parameters[count++] = new QueryParameter(keyStart, keyLength, valueStart, buffer.Length - valueStart);
        }

        Span<QueryParameter> used = parameters[..count];
        Sort(used, buffer.Array);

        // Second pass: the sorted, '&'-joined form goes after the scratch region, then moves
        // down over it (CopyTo handles the overlap).
        // Reserve first: Append must not grow (and return to the pool) the array it copies from.
        int sortedStart = buffer.Length;
        buffer.EnsureCapacity((sortedStart - regionStart) + (2 * count));
        for (int i = 0; i < used.Length; i++)
        {
            if (i > 0)
            {
                buffer.Append('&');
            }

            QueryParameter p = used[i];
            buffer.Append(buffer.Slice(p.KeyStart, p.KeyLength));
            buffer.Append('=');
            buffer.Append(buffer.Slice(p.ValueStart, p.ValueLength));
        }

        int sortedLength = buffer.Length - sortedStart;
        buffer.Array.AsSpan(sortedStart, sortedLength).CopyTo(buffer.Array.AsSpan(regionStart));
        buffer.Length = regionStart + sortedLength;

        if (rented is not null)
        {
            ArrayPool<QueryParameter>.Shared.Return(rented);
        }
    }

    public static void WriteHeaders<TRequest>(ref Utf8Buffer buffer, TRequest request, ReadOnlySpan<char> signedHeaders)
        where TRequest : ISigV4Request, allows ref struct
    {
        // Names go out as listed in SignedHeaders: clients send them lower-case and sorted, and
        // the list itself is part of what was signed.
        ReadOnlySpan<char> rest = signedHeaders;
        while (true)
        {
            int semicolon = rest.IndexOf(';');
            ReadOnlySpan<char> name = semicolon < 0 ? rest : rest[..semicolon];
            buffer.AppendUtf16(name);
            buffer.Append(':');
            if (!name.IsEmpty && request.TryGetHeader(SigV4HeaderNames.Get(name), out StringValues values))
            {
                for (int i = 0; i < values.Count; i++)
                {
                    if (i > 0)
                    {
                        buffer.Append(',');
                    }

                    AppendHeaderValue(ref buffer, values[i]);
                }
            }

            buffer.Append('\n');
            if (semicolon < 0)
            {
                return;
            }

            rest = rest[(semicolon + 1)..];
        }
    }

    /// <summary>Trims spaces and tabs and collapses inner runs of them to one space.</summary>
    private static void AppendHeaderValue(ref Utf8Buffer buffer, ReadOnlySpan<char> value)
    {
        value = value.Trim(" \t");
        while (true)
        {
            int ws = value.IndexOfAny(' ', '\t');
            if (ws < 0)
            {
                buffer.AppendUtf16(value);
                return;
            }

            buffer.AppendUtf16(value[..ws]);
            buffer.Append(' ');
            value = value[ws..].TrimStart(" \t");
        }
    }

    /// <summary>
    /// URI-encodes <paramref name="text"/> as UTF-8. With <paramref name="decode"/> (query
    /// components) valid %XX escapes and '+' (form encoding of a space) are decoded first, so
    /// "a%2fb", "a%2Fb" and "a/b" all sign as "a%2Fb"; an invalid escape keeps its '%' literally.
    /// </summary>
    private static void AppendEncoded(ref Utf8Buffer buffer, ReadOnlySpan<char> text, bool decode)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (decode && c == '%' && i + 2 < text.Length && char.IsAsciiHexDigit(text[i + 1]) && char.IsAsciiHexDigit(text[i + 2]))
            {
                buffer.AppendUriEncoded((byte)((AsciiHex.Value(text[i + 1]) << 4) | AsciiHex.Value(text[i + 2])));
                i += 2;
            }
            else if (decode && c == '+')
            {
                buffer.AppendUriEncoded((byte)' ');
            }
            else if (c < 0x80)
            {
                buffer.AppendUriEncoded((byte)c);
            }
            else
            {
                if (Rune.DecodeFromUtf16(text[i..], out Rune rune, out int consumed) != OperationStatus.Done)
                {
                    rune = Rune.ReplacementChar;
                    consumed = 1;
                }

                int written = rune.EncodeToUtf8(utf8);
                for (int j = 0; j < written; j++)
                {
                    buffer.AppendUriEncoded(utf8[j]);
                }

                i += consumed - 1;
            }
        }
    }

    /// <summary>
    /// Ordinal sort by encoded key, then encoded value. Insertion sort for the usual handful
    /// of parameters (no comparer object); the framework sort beyond that.
    /// </summary>
    private static void Sort(Span<QueryParameter> parameters, byte[] data)
    {
        if (parameters.Length > StackEntries)
        {
            parameters.Sort(new QueryParameterComparer(data));
            return;
        }

        for (int i = 1; i < parameters.Length; i++)
        {
            QueryParameter current = parameters[i];
            int j = i - 1;
            while (j >= 0 && QueryParameter.Compare(parameters[j], current, data) > 0)
            {
                parameters[j + 1] = parameters[j];
                j--;
            }

            parameters[j + 1] = current;
        }
    }

    [StructLayout(LayoutKind.Auto)]
    private readonly record struct QueryParameter(int KeyStart, int KeyLength, int ValueStart, int ValueLength)
    {
        public static int Compare(QueryParameter a, QueryParameter b, byte[] data)
        {
            int byKey = data.AsSpan(a.KeyStart, a.KeyLength).SequenceCompareTo(data.AsSpan(b.KeyStart, b.KeyLength));
            return byKey != 0
                ? byKey
                : data.AsSpan(a.ValueStart, a.ValueLength).SequenceCompareTo(data.AsSpan(b.ValueStart, b.ValueLength));
        }
    }

    private readonly struct QueryParameterComparer(byte[] data) : IComparer<QueryParameter>
    {
        public int Compare(QueryParameter x, QueryParameter y) => QueryParameter.Compare(x, y, data);
    }
}
