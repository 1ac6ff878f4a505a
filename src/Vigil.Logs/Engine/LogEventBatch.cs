using System.Buffers.Binary;
using Vigil.Logs.Engine.Encoding;
using Vigil.Logs.Model;
using Vigil.Storage.Binary;

namespace Vigil.Logs.Engine;

/// <summary>
/// Events on their way into the store, already in the WAL's events-record layout (docs/formats/log-store.md): the
/// store fills in the header under its lock and logs the buffer as is, so a batch is encoded exactly once — from
/// strings, or straight from the request's UTF-8 by a parser that never makes strings.
/// </summary>
public sealed class LogEventBatch
{
    internal const int HeaderSize = 28;

    private byte[] _buffer;
    private int _length = HeaderSize;
    private long _previous;

    public LogEventBatch(int capacityBytes = 4096) => _buffer = new byte[Math.Max(HeaderSize + 32, capacityBytes)];

    public int Count { get; private set; }

    /// <summary>UTF-8 message bytes in the batch (without the 26-byte per-event overhead).</summary>
    public long MessageBytes { get; private set; }

    internal ArraySegment<byte> Payload => new(_buffer, 0, _length);

    /// <summary>Empties the batch for reuse, keeping its buffer (a fast path reuses one per request).</summary>
    internal void Clear()
    {
        _length = HeaderSize;
        _previous = 0;
        Count = 0;
        MessageBytes = 0;
    }

    public static LogEventBatch From(IReadOnlyList<(long Timestamp, string Message)> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var size = HeaderSize;
        foreach (var (_, message) in events)
        {
            size += 20 + (message.Length * 3);
        }

        var batch = new LogEventBatch(size);
        foreach (var (timestamp, message) in events)
        {
            batch.Add(timestamp, message);
        }

        return batch;
    }

    public void Add(long timestamp, string message)
    {
        var max = System.Text.Encoding.UTF8.GetMaxByteCount(message.Length);
        var at = Reserve(timestamp, max, out var lengthAt);
        var written = System.Text.Encoding.UTF8.GetBytes(message, _buffer.AsSpan(at));
        Commit(lengthAt, at, written);
    }

    public void Add(long timestamp, ReadOnlySpan<byte> utf8Message)
    {
        var at = Reserve(timestamp, utf8Message.Length, out var lengthAt);
        utf8Message.CopyTo(_buffer.AsSpan(at));
        Commit(lengthAt, at, utf8Message.Length);
    }

    /// <summary>The events as strings, with the ingestion time they were stored with (for live tail).</summary>
    public IReadOnlyList<IngestedLogEvent> Decode(long ingestionTime)
    {
        var events = new IngestedLogEvent[Count];
        var r = new VarintReader(_buffer.AsSpan(HeaderSize, _length - HeaderSize));
        long timestamp = 0;
        for (var i = 0; i < events.Length; i++)
        {
            timestamp += r.ReadSigned();
            events[i] = new IngestedLogEvent(timestamp, ingestionTime, System.Text.Encoding.UTF8.GetString(r.ReadBytes(r.ReadInt32())));
        }

        return events;
    }

    internal void WriteHeader(int groupId, int streamId, long ingestionTime, long firstSeq)
    {
        var header = _buffer.AsSpan(0, HeaderSize);
        BinaryPrimitives.WriteInt32LittleEndian(header, groupId);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], streamId);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], ingestionTime);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], firstSeq);
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], Count);
    }

    // The length varint is written after the message, so room for its widest form (5 bytes) is left before it and
    // the message moved back over the gap when the varint is shorter.
    private int Reserve(long timestamp, int maxBytes, out int lengthAt)
    {
        Ensure(10 + 5 + maxBytes);
        var delta = timestamp - _previous;
        _previous = timestamp;
        _length += Varint.Write(_buffer.AsSpan(_length), (ulong)((delta << 1) ^ (delta >> 63)));
        lengthAt = _length;
        return _length + 5;
    }

    private void Commit(int lengthAt, int messageAt, int written)
    {
        Span<byte> prefix = stackalloc byte[5];
        var n = Varint.Write(prefix, (ulong)written);
        prefix[..n].CopyTo(_buffer.AsSpan(lengthAt));
        if (n < 5)
        {
            _buffer.AsSpan(messageAt, written).CopyTo(_buffer.AsSpan(lengthAt + n));
        }

        _length = lengthAt + n + written;
        Count++;
        MessageBytes += written;
    }

    private void Ensure(int more)
    {
        if (_length + more > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
        }
    }
}
