using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Vigil.Storage.Checksums;

namespace Vigil.Storage.Manifest;

/// <summary>
/// Byte layout of the manifest file (docs/formats/manifest.md). Everything little-endian.
/// <code>
/// magic "VMAN" | version u8 | 3 reserved zero bytes | generation u64 | body length u32
/// body: block count u32, count × (name length u16, UTF-8 name)
///       property count u32, count × (key length u16, UTF-8 key, value length u32, UTF-8 value)
/// CRC32C u32 of every byte before it
/// </code>
/// </summary>
internal static class ManifestCodec
{
    public const byte Version = 1;
    public const int HeaderSize = 20;

    /// <summary>The whole body is read into memory; 64 MiB is ~500k block names.</summary>
    public const int MaxBodyBytes = 64 * 1024 * 1024;

    private const uint Magic = 'V' | ('M' << 8) | ('A' << 16) | ((uint)'N' << 24);

    public static byte[] Encode(long generation, IReadOnlyList<string> blocks, IReadOnlyList<KeyValuePair<string, string>> properties)
    {
        var writer = new ArrayBufferWriter<byte>(4096);
        var header = writer.GetSpan(HeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        header[4] = Version;
        header[5..8].Clear();
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], generation);
        writer.Advance(HeaderSize);

        WriteUInt32(writer, (uint)blocks.Count);
        foreach (var block in blocks)
        {
            WriteString(writer, block, lengthBytes: 2);
        }

        WriteUInt32(writer, (uint)properties.Count);
        foreach (var (key, value) in properties)
        {
            WriteString(writer, key, lengthBytes: 2);
            WriteString(writer, value, lengthBytes: 4);
        }

        var bodyLength = writer.WrittenCount - HeaderSize;
        if (bodyLength > MaxBodyBytes)
        {
            throw new ArgumentException($"The manifest body would be {bodyLength} bytes; the limit is {MaxBodyBytes}.");
        }

        var bytes = new byte[writer.WrittenCount + 4];
        writer.WrittenSpan.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), (uint)bodyLength);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32C.Compute(bytes.AsSpan(0, bytes.Length - 4)));
        return bytes;
    }

    public static ManifestState Decode(string path, ReadOnlySpan<byte> file)
    {
        if (file.Length < HeaderSize + 4)
        {
            throw new StorageFormatException(path, StorageFormatError.Truncated, $"{file.Length} bytes is shorter than a manifest header");
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(file) != Magic)
        {
            throw new StorageFormatException(path, StorageFormatError.BadMagic, "not a manifest");
        }

        var bodyLength = BinaryPrimitives.ReadUInt32LittleEndian(file[16..]);
        if (bodyLength != file.Length - HeaderSize - 4)
        {
            throw new StorageFormatException(
                path, StorageFormatError.Truncated, $"header says {bodyLength} body bytes, file holds {file.Length - HeaderSize - 4}");
        }

        var stored = BinaryPrimitives.ReadUInt32LittleEndian(file[^4..]);
        var actual = Crc32C.Compute(file[..^4]);
        if (stored != actual)
        {
            throw new StorageFormatException(path, StorageFormatError.ChecksumMismatch, $"stored CRC {stored:X8}, computed {actual:X8}");
        }

        if (file[4] != Version)
        {
            throw new StorageFormatException(path, StorageFormatError.UnsupportedVersion, $"manifest version {file[4]}, this build reads {Version}");
        }

        var generation = BinaryPrimitives.ReadInt64LittleEndian(file[8..]);
        var body = new BodyReader(path, file[HeaderSize..^4]);
        var blocks = new string[body.ReadCount(minimumEntryBytes: 2)];
        for (var i = 0; i < blocks.Length; i++)
        {
            blocks[i] = body.ReadString(lengthBytes: 2);
        }

        var propertyCount = body.ReadCount(minimumEntryBytes: 6);
        var properties = new Dictionary<string, string>(propertyCount, StringComparer.Ordinal);
        for (var i = 0; i < propertyCount; i++)
        {
            var key = body.ReadString(lengthBytes: 2);
            if (!properties.TryAdd(key, body.ReadString(lengthBytes: 4)))
            {
                throw new StorageFormatException(path, StorageFormatError.InvalidLayout, $"property '{key}' appears twice");
            }
        }

        body.ExpectEnd();
        return new ManifestState(generation, blocks, properties);
    }

    private static void WriteUInt32(ArrayBufferWriter<byte> writer, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(writer.GetSpan(4), value);
        writer.Advance(4);
    }

    private static void WriteString(ArrayBufferWriter<byte> writer, string value, int lengthBytes)
    {
        var byteCount = Encoding.UTF8.GetByteCount(value);
        var span = writer.GetSpan(lengthBytes + byteCount);
        if (lengthBytes == 2)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span, checked((ushort)byteCount));
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)byteCount);
        }

        Encoding.UTF8.GetBytes(value, span[lengthBytes..]);
        writer.Advance(lengthBytes + byteCount);
    }

    /// <summary>Bounds-checked cursor: CRC-valid garbage from a buggy writer still fails cleanly.</summary>
    private ref struct BodyReader(string path, ReadOnlySpan<byte> body)
    {
        private readonly ReadOnlySpan<byte> _body = body;
        private int _offset;

        public int ReadCount(int minimumEntryBytes)
        {
            var count = ReadUInt32();
            if (count > (uint)(_body.Length - _offset) / (uint)minimumEntryBytes)
            {
                throw Invalid($"count {count} cannot fit in the body");
            }

            return (int)count;
        }

        public string ReadString(int lengthBytes)
        {
            var length = lengthBytes == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(Take(2)) : (int)ReadUInt32();
            return Encoding.UTF8.GetString(Take(length));
        }

        public readonly void ExpectEnd()
        {
            if (_offset != _body.Length)
            {
                throw Invalid($"{_body.Length - _offset} bytes after the last property");
            }
        }

        private uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count < 0 || count > _body.Length - _offset)
            {
                throw Invalid($"a field at body offset {_offset} runs past the end");
            }

            var slice = _body.Slice(_offset, count);
            _offset += count;
            return slice;
        }

        private readonly StorageFormatException Invalid(string detail) => new(path, StorageFormatError.InvalidLayout, detail);
    }
}
