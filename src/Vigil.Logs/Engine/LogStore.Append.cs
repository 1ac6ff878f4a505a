using System.Buffers.Binary;
using Vigil.Logs.Engine.Catalog;
using Vigil.Logs.Engine.Encoding;
using Vigil.Storage.Binary;

namespace Vigil.Logs.Engine;

/// <summary>Appending events: one WAL record per PutLogEvents batch (docs/formats/log-store.md, "Events record").</summary>
public sealed partial class LogStore
{
    /// <summary>AWS counts each event as its UTF-8 message plus this many bytes, for batch limits and stored bytes.</summary>
    public const int EventOverheadBytes = 26;

    /// <summary>
    /// Stores <paramref name="events"/> (already validated, in chronological order) in the stream and returns once
    /// they are durable. Throws <see cref="LogStoreException"/> when the group or stream does not exist; then
    /// nothing is stored.
    /// </summary>
    public ValueTask<AppendResult> AppendAsync(LogGroupKey key, string streamName, IReadOnlyList<(long Timestamp, string Message)> events, CancellationToken cancellationToken = default) =>
        AppendAsync(key, streamName, LogEventBatch.From(events), cancellationToken);

    /// <inheritdoc cref="AppendAsync(LogGroupKey, string, IReadOnlyList{ValueTuple{long, string}}, CancellationToken)"/>
    public async ValueTask<AppendResult> AppendAsync(LogGroupKey key, string streamName, LogEventBatch events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        ValueTask<long> append;
        long ingestionTime;
        lock (_lock)
        {
            var group = RequireGroup(key);
            var stream = RequireStream(group, streamName);
            ingestionTime = Now();
            events.WriteHeader(group.Id, stream.Id, ingestionTime, _nextSeq);
            var payload = events.Payload;
            ApplyEvents(payload);
            append = _wal.AppendAsync(EventsRecord, payload, cancellationToken);
        }

        await append.ConfigureAwait(false);
        if (events.Count > 0)
        {
            Appended?.Invoke(key, streamName, events, ingestionTime);
        }

        return new AppendResult(events.Count, ingestionTime);
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

        var r = new VarintReader(payload[LogEventBatch.HeaderSize..]);
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
