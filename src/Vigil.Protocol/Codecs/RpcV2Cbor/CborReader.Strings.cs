using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Vigil.Protocol.Codecs.RpcV2Cbor;

/// <summary>Text and byte strings, including indefinite-length (chunked) ones.</summary>
public ref partial struct CborReader
{
    /// <summary>Reads a text string of either length form and checks that it is valid UTF-8.</summary>
    public string ReadTextString()
    {
        if (TryReadTextStringUtf8(out ReadOnlySpan<byte> utf8))
        {
            return Encoding.UTF8.GetString(utf8);
        }

        return ReadIndefiniteText();
    }

    /// <summary>
    /// Returns the validated UTF-8 bytes of a definite-length text string as a slice of the
    /// input (no copy, valid as long as the input). Returns false and consumes nothing when the
    /// string is indefinite-length; use <see cref="ReadTextString"/> then.
    /// </summary>
    public bool TryReadTextStringUtf8(out ReadOnlySpan<byte> utf8)
    {
        int start = _pos;
        byte initial = ReadInitialByte();
        if (initial >> 5 != 3)
        {
            CborFormatException.ThrowUnexpectedType("text string", initial, start);
        }

        if ((initial & 0x1f) == 31)
        {
            _pos = start;
            utf8 = default;
            return false;
        }

        utf8 = ReadDefiniteBody(initial, start);
        if (!Utf8.IsValid(utf8))
        {
            CborFormatException.Throw("text string is not valid UTF-8", start);
        }

        return true;
    }

    public byte[] ReadByteString()
    {
        int start = _pos;
        byte initial = ReadInitialByte();
        if (initial >> 5 != 2)
        {
            CborFormatException.ThrowUnexpectedType("byte string", initial, start);
        }

        if ((initial & 0x1f) != 31)
        {
            return ReadDefiniteBody(initial, start).ToArray();
        }

        int total = MeasureChunks(2);
        byte[] result = new byte[total];
        CopyChunks(result);
        return result;
    }

    private string ReadIndefiniteText()
    {
        _pos++;
        int total = MeasureChunks(3);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(total, 1));
        try
        {
            CopyChunks(buffer);
            return Encoding.UTF8.GetString(buffer, 0, total);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Validates the chunks of an indefinite string whose initial byte was just read, without
    /// moving the reader, and returns their total length.
    /// Each chunk must be a definite string of the same major type (RFC 8949 §3.2.3), and
    /// each text chunk must be valid UTF-8 on its own.
    /// </summary>
    private readonly int MeasureChunks(int major)
    {
        CborReader scan = this;
        int total = 0;
        while (!scan.AtBreak())
        {
            int chunkStart = scan._pos;
            byte initial = scan.ReadInitialByte();
            if (initial >> 5 != major || (initial & 0x1f) == 31)
            {
                CborFormatException.Throw("indefinite-length string chunk is not a definite string of the same type", chunkStart);
            }

            ReadOnlySpan<byte> chunk = scan.ReadDefiniteBody(initial, chunkStart);
            if (major == 3 && !Utf8.IsValid(chunk))
            {
                CborFormatException.Throw("text string chunk is not valid UTF-8", chunkStart);
            }

            // Chunks are slices of the input, so the sum never exceeds its length.
            total += chunk.Length;
        }

        return total;
    }

    /// <summary>Copies already validated chunks into <paramref name="destination"/> and consumes the break.</summary>
    private void CopyChunks(Span<byte> destination)
    {
        int written = 0;
        while (_data[_pos] != 0xff)
        {
            int chunkStart = _pos;
            ReadOnlySpan<byte> chunk = ReadDefiniteBody(ReadInitialByte(), chunkStart);
            chunk.CopyTo(destination[written..]);
            written += chunk.Length;
        }

        _pos++;
    }

    private void SkipChunks()
    {
        while (_data[_pos] != 0xff)
        {
            int chunkStart = _pos;
            ReadDefiniteBody(ReadInitialByte(), chunkStart);
        }

        _pos++;
    }
}
