using System.Buffers;
using System.Buffers.Binary;

namespace Vigil.Storage.Wal;

internal enum WalReadStatus
{
    Ok,
    EndOfSegment,
    Torn,
    ChecksumMismatch,
}

/// <summary>
/// Sequential reader over one segment file, used by recovery and replay. Not thread-safe.
/// The payload buffer is pooled and grown on demand; the caller owns it and returns it.
/// </summary>
internal sealed class WalSegmentReader : IDisposable
{
    // 64 KiB reads: ~130 records of 500 B per syscall during recovery.
    private const int ReadBufferSize = 64 * 1024;

    private readonly FileStream _stream;
    private readonly string _path;

    // Read once: recovery and replay never read past what existed when they started, and
    // FileStream.Length is an fstat per call on a file others may write.
    private readonly long _fileLength;

    private WalSegmentReader(string path)
    {
        _path = path;
        _stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.ReadWrite | FileShare.Delete,
            BufferSize = ReadBufferSize,
            Options = FileOptions.SequentialScan,
        });
        _fileLength = _stream.Length;
    }

    /// <summary>Start of the record the next <see cref="ReadRecord"/> reads; after a failure, where the damage starts.</summary>
    public long RecordStart { get; private set; }

    public long FileLength => _fileLength;

    public static WalSegmentReader Open(string path) => new(path);

    /// <summary>False when the header is torn; throws when it is intact but foreign (see <see cref="WalFormat.TryReadSegmentHeader"/>).</summary>
    public bool TryReadHeader(out long firstLsn)
    {
        Span<byte> header = stackalloc byte[WalFormat.SegmentHeaderSize];
        var read = _stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        RecordStart = WalFormat.SegmentHeaderSize;
        return WalFormat.TryReadSegmentHeader(header[..read], _path, out firstLsn);
    }

    private bool RestIsZero()
    {
        var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int n;
            while ((n = _stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (chunk.AsSpan(0, n).ContainsAnyExcept((byte)0))
                {
                    return false;
                }
            }
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>
    /// Reads the record at <see cref="RecordStart"/> into <paramref name="buffer"/> (growing it
    /// from <see cref="ArrayPool{T}.Shared"/>) and advances past it only when it is whole and
    /// its CRC matches.
    /// </summary>
    public WalReadStatus ReadRecord(ref byte[] buffer, out byte type, out int length)
    {
        type = 0;
        length = 0;
        Span<byte> header = stackalloc byte[WalFormat.RecordHeaderSize];
        var read = _stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (read == 0)
        {
            return WalReadStatus.EndOfSegment;
        }

        if (read < header.Length)
        {
            return WalReadStatus.Torn;
        }

        var payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(header);
        var storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        var recordType = header[8];
        if (payloadLength == 0 && storedCrc == 0 && recordType == 0)
        {
            // The writer zero-fills ahead of itself (see WriteAheadLog.EnsureZeroFilled); an all-zero header
            // followed only by zeros is where the records end, not damage: type 0 is reserved, so no record
            // looks like this. Anything non-zero after it is damage and is reported as such.
            return RestIsZero() ? WalReadStatus.EndOfSegment : WalReadStatus.ChecksumMismatch;
        }
        var remaining = _fileLength - RecordStart - WalFormat.RecordHeaderSize;
        if (payloadLength > WalFormat.MaxPayloadBytes)
        {
            // No writer produces this; a length that large is a damaged header. If the file
            // is too short to hold it anyway, call it torn, otherwise corrupt.
            return payloadLength > remaining ? WalReadStatus.Torn : WalReadStatus.ChecksumMismatch;
        }

        if (payloadLength > remaining)
        {
            return WalReadStatus.Torn;
        }

        var size = (int)payloadLength;
        if (buffer.Length < size)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = ArrayPool<byte>.Shared.Rent(size);
        }

        var payload = buffer.AsSpan(0, size);
        if (_stream.ReadAtLeast(payload, size, throwOnEndOfStream: false) < size)
        {
            return WalReadStatus.Torn;
        }

        if (WalFormat.RecordCrc(recordType, payload) != storedCrc)
        {
            return WalReadStatus.ChecksumMismatch;
        }

        if (recordType is 0 or > WalFormat.MaxCallerType)
        {
            // The CRC matches, so a writer put it there: a format this build does not know.
            // Refuse rather than truncate acknowledged data.
            throw new StorageFormatException(
                _path, StorageFormatError.InvalidLayout, $"reserved record type {recordType} at offset {RecordStart}");
        }

        type = recordType;
        length = size;
        RecordStart += WalFormat.RecordHeaderSize + size;
        return WalReadStatus.Ok;
    }

    public void Dispose() => _stream.Dispose();
}
