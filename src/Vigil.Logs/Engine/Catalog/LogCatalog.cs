using System.Buffers;
using Vigil.Logs.Engine.Encoding;
using Vigil.Storage;
using Vigil.Storage.Binary;

namespace Vigil.Logs.Engine.Catalog;

/// <summary>
/// Every log group and stream of the store. Not thread-safe: the store calls it under its lock. Changes arrive as
/// <see cref="CatalogChange"/> records, the same ones the WAL holds, so replay rebuilds exactly the live state.
/// </summary>
internal sealed class LogCatalog
{
    private readonly Dictionary<LogGroupKey, LogGroupState> _byKey = [];
    private readonly Dictionary<int, LogGroupState> _byId = [];

    public int NextGroupId { get; private set; } = 1;
    public int NextStreamId { get; private set; } = 1;

    public IEnumerable<LogGroupState> Groups => _byId.Values;

    public LogGroupState? Find(LogGroupKey key) => _byKey.GetValueOrDefault(key);

    public LogGroupState? Find(int groupId) => _byId.GetValueOrDefault(groupId);

    public bool IsLive(int groupId) => _byId.ContainsKey(groupId);

    public int AllocateGroupId() => NextGroupId++;

    public int AllocateStreamId() => NextStreamId++;

    /// <summary>Applies a change whose preconditions the caller has checked (or that the WAL already accepted).</summary>
    public void Apply(CatalogChange change)
    {
        if (change.Op == CatalogOp.CreateGroup)
        {
            var created = new LogGroupState(change.GroupId, change.Key, change.Time)
            {
                KmsKeyId = change.KmsKeyId,
                LogGroupClass = change.LogGroupClass ?? "STANDARD",
                DeletionProtection = change.DeletionProtection,
            };
            foreach (var (k, v) in change.Tags ?? new Dictionary<string, string>())
            {
                created.Tags[k] = v;
            }

            _byKey[change.Key] = created;
            _byId[change.GroupId] = created;
            NextGroupId = Math.Max(NextGroupId, change.GroupId + 1);
            return;
        }

        // Replay may meet changes to a group deleted later in the same log: they are no-ops by then.
        if (!_byId.TryGetValue(change.GroupId, out var group))
        {
            return;
        }

        switch (change.Op)
        {
            case CatalogOp.DeleteGroup:
                _byId.Remove(change.GroupId);
                _byKey.Remove(group.Key);
                break;
            case CatalogOp.SetRetention:
                group.RetentionInDays = change.RetentionInDays;
                break;
            case CatalogOp.SetKmsKey:
                group.KmsKeyId = change.KmsKeyId;
                break;
            case CatalogOp.SetDeletionProtection:
                group.DeletionProtection = change.DeletionProtection;
                break;
            case CatalogOp.Tag:
                foreach (var (k, v) in change.Tags ?? new Dictionary<string, string>())
                {
                    group.Tags[k] = v;
                }

                break;
            case CatalogOp.Untag:
                foreach (var k in change.TagKeys ?? [])
                {
                    group.Tags.Remove(k);
                }

                break;
            case CatalogOp.CreateStream:
                group.AddStream(new LogStreamState(change.StreamId, change.StreamName!, change.Time));
                NextStreamId = Math.Max(NextStreamId, change.StreamId + 1);
                break;
            case CatalogOp.DeleteStream:
                if (group.Streams.TryGetValue(change.StreamName!, out var deleted))
                {
                    group.RemoveStream(deleted);
                }

                break;
        }
    }

    /// <summary>The whole catalogue (settings, streams and their statistics) for a checkpoint.</summary>
    public byte[] WriteSnapshot()
    {
        var output = new ArrayBufferWriter<byte>();
        Varint.Write(output, (ulong)NextGroupId);
        Varint.Write(output, (ulong)NextStreamId);
        Varint.Write(output, (ulong)_byId.Count);
        foreach (var g in _byId.Values.OrderBy(g => g.Id))
        {
            new CatalogChange(CatalogOp.CreateGroup, g.Id, g.CreationTime)
            {
                Key = g.Key,
                KmsKeyId = g.KmsKeyId,
                LogGroupClass = g.LogGroupClass,
                DeletionProtection = g.DeletionProtection,
                Tags = g.Tags,
            }.WriteTo(output);
            Varint.Write(output, (ulong)(g.RetentionInDays ?? 0));
            Varint.Write(output, (ulong)g.Streams.Count);
            foreach (var s in g.Streams.Values)
            {
                Varint.Write(output, (ulong)s.Id);
                Varint.WriteString(output, s.Name);
                Varint.WriteSigned(output, s.CreationTime);
                WriteOptional(output, s.FirstEventTimestamp);
                WriteOptional(output, s.LastEventTimestamp);
                WriteOptional(output, s.LastIngestionTime);
            }
        }

        return output.WrittenSpan.ToArray();
    }

    public static LogCatalog ReadSnapshot(ReadOnlySpan<byte> bytes)
    {
        var catalog = new LogCatalog();
        var r = new VarintReader(bytes);
        var nextGroup = r.ReadInt32();
        var nextStream = r.ReadInt32();
        var groups = r.ReadInt32();
        for (var i = 0; i < groups; i++)
        {
            // A CreateGroup record is self-delimiting; read it from where the cursor stands.
            var create = CatalogChange.Read(bytes[r.Position..], out var consumed);
            r.ReadBytes(consumed);
            catalog.Apply(create);
            var group = catalog._byId[create.GroupId];
            var days = r.ReadInt32();
            group.RetentionInDays = days > 0 ? days : null;
            var streams = r.ReadInt32();
            for (var j = 0; j < streams; j++)
            {
                var stream = new LogStreamState(r.ReadInt32(), r.ReadRequiredString(), r.ReadSigned())
                {
                    FirstEventTimestamp = ReadOptional(ref r),
                    LastEventTimestamp = ReadOptional(ref r),
                    LastIngestionTime = ReadOptional(ref r),
                };
                group.AddStream(stream);
            }
        }

        if (!r.AtEnd)
        {
            throw LogFormatError.Invalid("Trailing bytes after the catalogue snapshot.");
        }

        catalog.NextGroupId = nextGroup;
        catalog.NextStreamId = nextStream;
        return catalog;
    }

    private static void WriteOptional(IBufferWriter<byte> output, long? value)
    {
        Varint.Write(output, value is null ? 0UL : 1UL);
        if (value is { } v)
        {
            Varint.WriteSigned(output, v);
        }
    }

    private static long? ReadOptional(ref VarintReader r) => r.Read() == 0 ? null : r.ReadSigned();
}
