using System.Buffers;
using System.Diagnostics;
using System.Text;

namespace Vigil.Protocol.SigV4;

/// <summary>
/// Growable UTF-8 scratch buffer over <see cref="ArrayPool{T}.Shared"/>, for the canonical
/// request and string to sign. After warm-up it allocates nothing. Owned by one verification:
/// pass it by ref, and call <see cref="Dispose"/> exactly once (not via <c>using</c>, which
/// would make the local read-only).
/// </summary>
internal ref struct Utf8Buffer
{
    private byte[] _array;
    private int _length;

    public Utf8Buffer(int initialCapacity)
    {
        _array = ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    /// <summary>Bytes written so far; setting it truncates (never extends) the content.</summary>
    public int Length
    {
        readonly get => _length;
        set
        {
            Debug.Assert((uint)value <= (uint)_length, "Length only truncates");
            _length = value;
        }
    }

    /// <summary>The backing array; offsets recorded earlier stay valid only until the next append.</summary>
    public readonly byte[] Array => _array;

    public readonly ReadOnlySpan<byte> Slice(int start, int length) => _array.AsSpan(start, length);

    public readonly ReadOnlySpan<byte> Slice(int start) => _array.AsSpan(start, _length - start);

    public void Append(byte value)
    {
        if (_length == _array.Length)
        {
            Grow(1);
        }

        _array[_length++] = value;
    }

    public void Append(char asciiValue)
    {
        Debug.Assert(asciiValue < 0x80, "ASCII only");
        Append((byte)asciiValue);
    }

    /// <summary>Makes room for <paramref name="extra"/> more bytes, so appends up to that size do not move the array.</summary>
    public void EnsureCapacity(int extra)
    {
        if (extra > _array.Length - _length)
        {
            Grow(extra);
        }
    }

    /// <summary>Appends bytes; a slice of this buffer's own array is safe only after <see cref="EnsureCapacity"/>.</summary>
    public void Append(scoped ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _array.Length - _length)
        {
            Grow(bytes.Length);
        }

        bytes.CopyTo(_array.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Appends text as UTF-8; lone surrogates become U+FFFD, as in the clients' encoders.</summary>
    public void AppendUtf16(scoped ReadOnlySpan<char> chars)
    {
        if (chars.Length > _array.Length - _length)
        {
            Grow(chars.Length);
        }

        // ASCII fast path: headers, paths and dates are ASCII in practice.
        int i = 0;
        Span<byte> destination = _array.AsSpan(_length);
        for (; i < chars.Length && chars[i] < 0x80; i++)
        {
            destination[i] = (byte)chars[i];
        }

        _length += i;
        if (i < chars.Length)
        {
            ReadOnlySpan<char> rest = chars[i..];
            int needed = Encoding.UTF8.GetMaxByteCount(rest.Length);
            if (needed > _array.Length - _length)
            {
                Grow(needed);
            }

            _length += Encoding.UTF8.GetBytes(rest, _array.AsSpan(_length));
        }
    }

    /// <summary>
    /// Appends one byte URI-encoded the way SigV4 wants it: RFC 3986 unreserved characters
    /// as-is, everything else as %XX with upper-case hex.
    /// </summary>
    public void AppendUriEncoded(byte value)
    {
        if (IsUnreserved(value))
        {
            Append(value);
            return;
        }

        if (_array.Length - _length < 3)
        {
            Grow(3);
        }

        _array[_length] = (byte)'%';
        _array[_length + 1] = (byte)"0123456789ABCDEF"[value >> 4];
        _array[_length + 2] = (byte)"0123456789ABCDEF"[value & 0xf];
        _length += 3;
    }

    public void AppendLowerHex(scoped ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length * 2 > _array.Length - _length)
        {
            Grow(bytes.Length * 2);
        }

        foreach (byte b in bytes)
        {
            _array[_length++] = (byte)"0123456789abcdef"[b >> 4];
            _array[_length++] = (byte)"0123456789abcdef"[b & 0xf];
        }
    }

    public void Dispose()
    {
        byte[] array = _array;
        _array = null!;
        if (array is not null)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    public static bool IsUnreserved(byte value) =>
        value is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~';

    private void Grow(int extra)
    {
        byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(_array.Length * 2, _length + extra));
        _array.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_array);
        _array = larger;
    }
}
