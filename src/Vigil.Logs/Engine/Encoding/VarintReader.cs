using Vigil.Storage.Binary;

namespace Vigil.Logs.Engine.Encoding;

/// <summary>Reads what <see cref="Varint"/> writes; a truncated or malformed input is a <see cref="StorageFormatException"/>.</summary>
internal ref struct VarintReader(ReadOnlySpan<byte> input)
{
    private readonly ReadOnlySpan<byte> _input = input;

    public int Position { get; private set; }

    public readonly bool AtEnd => Position >= _input.Length;

    public ulong Read()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (Position >= _input.Length)
            {
                throw LogFormatError.Invalid("Truncated varint.");
            }

            var b = _input[Position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw LogFormatError.Invalid("Varint longer than 10 bytes.");
    }

    public int ReadInt32() => checked((int)Read());

    public long ReadSigned()
    {
        var v = Read();
        return (long)(v >> 1) ^ -(long)(v & 1);
    }

    public ReadOnlySpan<byte> ReadBytes(int length)
    {
        if (length < 0 || length > _input.Length - Position)
        {
            throw LogFormatError.Invalid("Truncated record.");
        }

        var span = _input.Slice(Position, length);
        Position += length;
        return span;
    }

    public string? ReadString()
    {
        var n = Read();
        return n == 0 ? null : System.Text.Encoding.UTF8.GetString(ReadBytes(checked((int)(n - 1))));
    }

    public string ReadRequiredString() => ReadString() ?? throw LogFormatError.Invalid("Missing string.");
}
