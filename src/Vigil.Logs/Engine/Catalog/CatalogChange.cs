using System.Buffers;
using Vigil.Logs.Engine.Encoding;
using Vigil.Storage;
using Vigil.Storage.Binary;

namespace Vigil.Logs.Engine.Catalog;

internal enum CatalogOp : byte
{
    CreateGroup = 1,
    DeleteGroup = 2,
    SetRetention = 3,
    SetKmsKey = 4,
    SetDeletionProtection = 5,
    Tag = 6,
    Untag = 7,
    CreateStream = 8,
    DeleteStream = 9,
}

/// <summary>
/// One change to the catalogue, as logged in the WAL and applied (live or on replay) by <see cref="LogCatalog.Apply"/>.
/// Fields not used by <see cref="Op"/> stay at their defaults.
/// </summary>
internal sealed record CatalogChange(CatalogOp Op, int GroupId, long Time)
{
    public LogGroupKey Key { get; init; }
    public int StreamId { get; init; }
    public string? StreamName { get; init; }
    public int? RetentionInDays { get; init; }
    public string? KmsKeyId { get; init; }
    public string? LogGroupClass { get; init; }
    public bool DeletionProtection { get; init; }
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
    public IReadOnlyList<string>? TagKeys { get; init; }

    public void WriteTo(IBufferWriter<byte> output)
    {
        output.GetSpan(1)[0] = (byte)Op;
        output.Advance(1);
        Varint.Write(output, (ulong)GroupId);
        Varint.WriteSigned(output, Time);
        switch (Op)
        {
            case CatalogOp.CreateGroup:
                Varint.WriteString(output, Key.AccountId);
                Varint.WriteString(output, Key.Region);
                Varint.WriteString(output, Key.Name);
                Varint.WriteString(output, KmsKeyId);
                Varint.WriteString(output, LogGroupClass);
                Varint.Write(output, DeletionProtection ? 1UL : 0UL);
                WriteTags(output, Tags);
                break;
            case CatalogOp.SetRetention:
                Varint.Write(output, (ulong)(RetentionInDays ?? 0));
                break;
            case CatalogOp.SetKmsKey:
                Varint.WriteString(output, KmsKeyId);
                break;
            case CatalogOp.SetDeletionProtection:
                Varint.Write(output, DeletionProtection ? 1UL : 0UL);
                break;
            case CatalogOp.Tag:
                WriteTags(output, Tags);
                break;
            case CatalogOp.Untag:
                Varint.Write(output, (ulong)(TagKeys?.Count ?? 0));
                foreach (var k in TagKeys ?? [])
                {
                    Varint.WriteString(output, k);
                }

                break;
            case CatalogOp.CreateStream:
            case CatalogOp.DeleteStream:
                Varint.Write(output, (ulong)StreamId);
                Varint.WriteString(output, StreamName);
                break;
        }
    }

    public static CatalogChange Read(ReadOnlySpan<byte> payload) => Read(payload, out _);

    /// <summary>Reads one change from the front of <paramref name="payload"/>; <paramref name="consumed"/> says how many bytes it took.</summary>
    public static CatalogChange Read(ReadOnlySpan<byte> payload, out int consumed)
    {
        if (payload.IsEmpty)
        {
            throw LogFormatError.Invalid("Empty catalogue record.");
        }

        var op = (CatalogOp)payload[0];
        var r = new VarintReader(payload[1..]);
        var change = new CatalogChange(op, r.ReadInt32(), r.ReadSigned());
        var result = op switch
        {
            CatalogOp.CreateGroup => change with
            {
                Key = new LogGroupKey(r.ReadRequiredString(), r.ReadRequiredString(), r.ReadRequiredString()),
                KmsKeyId = r.ReadString(),
                LogGroupClass = r.ReadString(),
                DeletionProtection = r.Read() != 0,
                Tags = ReadTags(ref r),
            },
            CatalogOp.DeleteGroup => change,
            CatalogOp.SetRetention => change with { RetentionInDays = r.ReadInt32() is var days && days > 0 ? days : null },
            CatalogOp.SetKmsKey => change with { KmsKeyId = r.ReadString() },
            CatalogOp.SetDeletionProtection => change with { DeletionProtection = r.Read() != 0 },
            CatalogOp.Tag => change with { Tags = ReadTags(ref r) },
            CatalogOp.Untag => change with { TagKeys = ReadKeys(ref r) },
            CatalogOp.CreateStream or CatalogOp.DeleteStream => change with { StreamId = r.ReadInt32(), StreamName = r.ReadRequiredString() },
            _ => throw LogFormatError.Invalid($"Unknown catalogue operation {(byte)op}."),
        };
        consumed = 1 + r.Position;
        return result;
    }

    private static void WriteTags(IBufferWriter<byte> output, IReadOnlyDictionary<string, string>? tags)
    {
        Varint.Write(output, (ulong)(tags?.Count ?? 0));
        foreach (var (k, v) in tags ?? new Dictionary<string, string>())
        {
            Varint.WriteString(output, k);
            Varint.WriteString(output, v);
        }
    }

    private static Dictionary<string, string> ReadTags(ref VarintReader r)
    {
        var n = r.ReadInt32();
        var tags = new Dictionary<string, string>(n, StringComparer.Ordinal);
        for (var i = 0; i < n; i++)
        {
            tags[r.ReadRequiredString()] = r.ReadRequiredString();
        }

        return tags;
    }

    private static List<string> ReadKeys(ref VarintReader r)
    {
        var n = r.ReadInt32();
        var keys = new List<string>(n);
        for (var i = 0; i < n; i++)
        {
            keys.Add(r.ReadRequiredString());
        }

        return keys;
    }
}
