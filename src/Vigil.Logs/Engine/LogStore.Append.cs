using System.Buffers.Binary;
using Vigil.Logs.Engine.Catalog;
using Vigil.Logs.Engine.Encoding;
using Vigil.Logs.Model;

namespace Vigil.Logs.Engine;

/// <summary>Appending events: one WAL record per PutLogEvents batch (docs/formats/log-store.md, "Events record").</summary>
public sealed partial class LogStore
{
    private const int EventsHeaderSize = 28;

    /// <summary>AWS counts each event as its UTF-8 message plus this many bytes, for batch limits and stored bytes.</summary>
    public const int EventOverheadBytes = 26;

    /// <summary>
    /// Stores <paramref name="events"/> (already validated, in chronological order) in the stream and returns once
    /// they are durable. Throws <see cref="LogStoreException"/> when the group or stream does not exist; then
    /// nothing is stored.
    /// </summary>
    public async ValueTask<AppendResult> AppendAsync(LogGroupKey key, string streamName, IReadOnlyList<(long Timestamp, string Message)> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var payload = EncodeEvents(events);
        ValueTask<long> append;
        long ingestionTime;
        lock (_lock)
        {
            var group = RequireGroup(key);
            var stream = RequireStream(group, streamName);
            ingestionTime = Now();
            var header = payload.AsSpan(0, EventsHeaderSize);
            BinaryPrimitives.WriteInt32LittleEndian(header, group.Id);
            BinaryPrimitives.WriteInt32LittleEndian(header[4..], stream.Id);
            BinaryPrimitives.WriteInt64LittleEndian(header[8..], ingestionTime);
            BinaryPrimitives.WriteInt64LittleEndian(header[16..], _nextSeq);
            ApplyEvents(payload);
            append = _wal.AppendAsync(EventsRecord, payload, cancellationToken);
        }

        await append.ConfigureAwait(false);
        if (Appended is { } appended && events.Count > 0)
        {
            var published = new IngestedLogEvent[events.Count];
            for (var i = 0; i < published.Length; i++)
            {
                published[i] = new IngestedLogEvent(events[i].Timestamp, ingestionTime, events[i].Message);
            }

            appended(key, streamName, published);
        }

        return new AppendResult(events.Count, ingestionTime);
    }

    private static byte[] EncodeEvents(IReadOnlyList<(long Timestamp, string Message)> events)
    {
        var size = EventsHeaderSize;
        foreach (var (_, message) in events)
        {
            size += 20 + System.Text.Encoding.UTF8.GetByteCount(message);
        }

        var buffer = new byte[size];
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(24), events.Count);
        var at = EventsHeaderSize;
        long previous = 0;
        foreach (var (timestamp, message) in events)
        {
            at += Varint.Write(buffer.AsSpan(at), (ulong)(((timestamp - previous) << 1) ^ ((timestamp - previous) >> 63)));
            previous = timestamp;
            var length = System.Text.Encoding.UTF8.GetByteCount(message);
            at += Varint.Write(buffer.AsSpan(at), (ulong)length);
            at += System.Text.Encoding.UTF8.GetBytes(message, buffer.AsSpan(at));
        }

        return buffer[..at];
    }

    /// <summary>Applies an events record to its group's head and stream (live under the lock, or on replay).</summary>
    private void ApplyEvents(ReadOnlySpan<byte> payload)
    {
        var groupId = BinaryPrimitives.ReadInt32LittleEndian(payload);
        var streamId = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
        var ingestionTime = BinaryPrimitives.ReadInt64LittleEndian(payload[8..]);
        var firstSeq = BinaryPrimitives.ReadInt64LittleEndian(payload[16..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(payload[24..]);
        _nextSeq = Math.Max(_nextSeq, firstSeq + count);
        var group = _catalog.Find(groupId);
        var stream = group?.StreamsById.GetValueOrDefault(streamId);
        if (group is null || stream is null || count == 0)
        {
            // Replay of a batch whose group or stream a later record deleted.
            return;
        }

        if (!_heads.TryGetValue(groupId, out var head))
        {
            _heads[groupId] = head = new LogHead(groupId);
        }

        if (_headBytes == 0)
        {
            _headStartedAt = Environment.TickCount64;
        }

        var r = new VarintReader(payload[EventsHeaderSize..]);
        long timestamp = 0, first = long.MaxValue, last = long.MinValue, bytes = 0;
        for (var i = 0; i < count; i++)
        {
            timestamp += r.ReadSigned();
            var message = r.ReadBytes(r.ReadInt32());
            head.Append(streamId, firstSeq + i, ingestionTime, timestamp, message);
            first = Math.Min(first, timestamp);
            last = Math.Max(last, timestamp);
            bytes += message.Length;
        }

        stream.Observe(first, last, ingestionTime);
        var accounted = bytes + (EventOverheadBytes * (long)count);
        group.HeadBytes += accounted;
        stream.HeadBytes += accounted;
        _headBytes += bytes;
    }
}

/// <summary>What an append stored: how many events, and the ingestion time they all got.</summary>
public readonly record struct AppendResult(int Stored, long IngestionTime);
