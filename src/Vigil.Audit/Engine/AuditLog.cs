using System.Buffers;
using System.Text.Json;
using Vigil.Audit.Model;
using Vigil.Storage.IO;
using Vigil.Storage.Wal;

namespace Vigil.Audit.Engine;

/// <summary>
/// The durable audit trail: every event is a record in its own write-ahead log under &lt;data&gt;/audit/wal,
/// acknowledged after group commit (one fsync per batch of concurrent calls, not per call).
/// Thread-safe. Failure policy: when the WAL fails it refuses further appends, and the gateway then refuses
/// to acknowledge calls (it answers 503) rather than serve calls it cannot audit.
/// Blocks and the CloudTrail query side come with the CloudTrail engine; until then reads replay the log.
/// </summary>
public sealed class AuditLog : IAsyncDisposable
{
    private readonly WriteAheadLog _wal;

    private AuditLog(WriteAheadLog wal) => _wal = wal;

    public WalRecoveryReport Recovery => _wal.Recovery;

    public static AuditLog Open(string dataDir, bool fsync = true)
    {
        var dir = Path.Combine(dataDir, "audit", "wal");
        Directory.CreateDirectory(dir);
        return new AuditLog(WriteAheadLog.Open(new WalOptions { Directory = dir, Sync = fsync ? SyncMode.Fsync : SyncMode.None }));
    }

    // One encoding buffer and writer per thread: the WAL copies the record before AppendAsync returns, so
    // they are free again before this method's first await. Saves ~1 KB of garbage per audited call.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Completes once the event is on disk.</summary>
    public async ValueTask AppendAsync(AuditEvent e, CancellationToken ct)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        AuditEventJson.Write(writer, e);
        var appended = _wal.AppendAsync(buffer.WrittenMemory, ct);
        await appended.ConfigureAwait(false);
    }

    /// <summary>Every event recovered when the log was opened, oldest first.</summary>
    public IEnumerable<AuditEvent> ReadRecovered()
    {
        foreach (var record in _wal.Replay())
        {
            yield return AuditEventJson.Deserialize(record.Payload.Span);
        }
    }

    public ValueTask DisposeAsync() => _wal.DisposeAsync();
}
