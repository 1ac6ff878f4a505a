using System.Buffers.Binary;
using System.Buffers;
using System.Text;
using Vigil.Metrics.Model;
using Vigil.Storage.Binary;
using Vigil.Storage.Hashing;

namespace Vigil.Metrics.Engine;

/// <summary>
/// Every series the store knows: id ↔ key, and per (account, region) the metrics and their unit/resolution variants
/// for ListMetrics and queries. Ids are dense ints, assigned in order and never reused. Thread-safe: reads take a
/// short lock (assignment is rare once a fleet's series exist).
/// Persisted as new-series definitions inside the WAL records that first use them, and as a full snapshot
/// (docs/formats/metric-series.md) written at every checkpoint before the WAL is truncated.
/// </summary>
public sealed class SeriesCatalog
{
    private readonly Lock _lock = new();
    private readonly Dictionary<SeriesKey, SeriesInfo> _byKey = [];
    private readonly List<SeriesInfo> _byId = [];
    private readonly Dictionary<(string Account, string Region), Dictionary<MetricIdentity, List<SeriesInfo>>> _metrics = [];

    /// <summary>
    /// The ingestion fast path's index: the series' identity as the bytes it arrives in, so a known series is found
    /// without decoding a single string. Lock-free reads; filled on first sight.
    /// </summary>
    public ByteKeyIndex<SeriesInfo> ByBytes { get; } = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byId.Count;
            }
        }
    }

    public SeriesInfo Get(int id)
    {
        lock (_lock)
        {
            return _byId[id];
        }
    }

    public bool TryGet(SeriesKey key, out SeriesInfo info)
    {
        lock (_lock)
        {
            return _byKey.TryGetValue(key, out info!);
        }
    }

    /// <summary>The series for <paramref name="key"/>, created when new (<paramref name="created"/> true).</summary>
    public SeriesInfo GetOrAdd(SeriesKey key, out bool created)
    {
        if (TryGet(key, out var existing))
        {
            created = false;
            return existing;
        }
        lock (_lock)
        {
            if (_byKey.TryGetValue(key, out existing))
            {
                created = false;
                return existing;
            }
            created = true;
            return AddLocked(_byId.Count, key);
        }
    }

    /// <summary>Re-creates a series with a known id while loading a snapshot or replaying the WAL.</summary>
    internal void Restore(int id, SeriesKey key, long lastIngested)
    {
        lock (_lock)
        {
            if (id < _byId.Count)
            {
                if (!_byId[id].Key.Equals(key))
                {
                    throw new InvalidDataException($"Series {id} is defined twice with different keys.");
                }
                _byId[id].LastIngested = Math.Max(_byId[id].LastIngested, lastIngested);
                return;
            }
            if (id != _byId.Count)
            {
                throw new InvalidDataException($"Series {id} is defined before series {_byId.Count}.");
            }
            AddLocked(id, key).LastIngested = lastIngested;
        }
    }

    private SeriesInfo AddLocked(int id, SeriesKey key)
    {
        var info = new SeriesInfo(id, key);
        _byId.Add(info);
        _byKey.Add(key, info);
        var scope = (key.AccountId, key.Region);
        if (!_metrics.TryGetValue(scope, out var metrics))
        {
            _metrics[scope] = metrics = [];
        }
        if (!metrics.TryGetValue(key.Metric, out var variants))
        {
            metrics[key.Metric] = variants = [];
        }
        variants.Add(info);
        return info;
    }

    /// <summary>The metrics of one (account, region) and the series of each, optionally one namespace only.</summary>
    public List<KeyValuePair<MetricIdentity, SeriesInfo[]>> Metrics(string accountId, string region, string? @namespace = null)
    {
        lock (_lock)
        {
            var result = new List<KeyValuePair<MetricIdentity, SeriesInfo[]>>();
            if (_metrics.TryGetValue((accountId, region), out var metrics))
            {
                foreach (var (metric, variants) in metrics)
                {
                    if (@namespace is null || string.Equals(metric.Namespace, @namespace, StringComparison.Ordinal))
                    {
                        result.Add(new(metric, [.. variants]));
                    }
                }
            }
            return result;
        }
    }

    /// <summary>The series of one metric (every unit and resolution), empty when unknown.</summary>
    public SeriesInfo[] SeriesOf(string accountId, string region, MetricIdentity metric)
    {
        lock (_lock)
        {
            return _metrics.TryGetValue((accountId, region), out var metrics) && metrics.TryGetValue(metric, out var variants)
                ? [.. variants]
                : [];
        }
    }

    // ---- encoding (WAL definitions and snapshots share it) ----

    internal static void WriteDefinition(IBufferWriter<byte> output, SeriesInfo info)
    {
        var key = info.Key;
        Varint.Write(output, (ulong)info.Id);
        WriteString(output, key.AccountId);
        WriteString(output, key.Region);
        WriteString(output, key.Metric.Namespace);
        WriteString(output, key.Metric.MetricName);
        WriteString(output, key.Unit);
        output.GetSpan(1)[0] = key.HighResolution ? (byte)1 : (byte)0;
        output.Advance(1);
        Varint.Write(output, (ulong)key.Metric.Dimensions.Count);
        foreach (var d in key.Metric.Dimensions)
        {
            WriteString(output, d.Name);
            WriteString(output, d.Value);
        }
        Varint.Write(output, (ulong)Math.Max(0, info.LastIngested));
    }

    internal static (int Id, SeriesKey Key, long LastIngested) ReadDefinition(ReadOnlySpan<byte> input, ref int offset)
    {
        var id = checked((int)Varint.Read(input, ref offset));
        var account = ReadString(input, ref offset);
        var region = ReadString(input, ref offset);
        var ns = ReadString(input, ref offset);
        var name = ReadString(input, ref offset);
        var unit = ReadString(input, ref offset);
        if (offset >= input.Length)
        {
            throw new InvalidDataException("Truncated series definition.");
        }
        var highRes = input[offset++] != 0;
        var n = checked((int)Varint.Read(input, ref offset));
        if (n > 64)
        {
            throw new InvalidDataException("Series definition with too many dimensions.");
        }
        var dims = new MetricDimension[n];
        for (var i = 0; i < n; i++)
        {
            dims[i] = new MetricDimension(ReadString(input, ref offset), ReadString(input, ref offset));
        }
        var last = (long)Varint.Read(input, ref offset);
        return (id, new SeriesKey(account, region, new MetricIdentity(ns, name, dims), unit, highRes), last);
    }

    private static void WriteString(IBufferWriter<byte> output, string s)
    {
        var n = System.Text.Encoding.UTF8.GetByteCount(s);
        Varint.Write(output, (ulong)n);
        System.Text.Encoding.UTF8.GetBytes(s, output.GetSpan(n));
        output.Advance(n);
    }

    private static string ReadString(ReadOnlySpan<byte> input, ref int offset)
    {
        var n = (int)Varint.Read(input, ref offset);
        if (n < 0 || offset + n > input.Length)
        {
            throw new InvalidDataException("Truncated string in a series definition.");
        }
        var s = System.Text.Encoding.UTF8.GetString(input.Slice(offset, n));
        offset += n;
        return s;
    }

    /// <summary>The whole catalogue, for a snapshot file.</summary>
    internal byte[] EncodeSnapshot()
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        lock (_lock)
        {
            var head = buffer.GetSpan(8);
            BinaryPrimitives.WriteUInt32LittleEndian(head, SnapshotMagic);
            BinaryPrimitives.WriteInt32LittleEndian(head[4..], _byId.Count);
            buffer.Advance(8);
            foreach (var info in _byId)
            {
                WriteDefinition(buffer, info);
            }
        }
        var crc = Vigil.Storage.Checksums.Crc32C.Compute(buffer.WrittenSpan);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.GetSpan(4), crc);
        buffer.Advance(4);
        return buffer.WrittenSpan.ToArray();
    }

    internal void LoadSnapshot(ReadOnlySpan<byte> file)
    {
        if (file.Length < 12 || BinaryPrimitives.ReadUInt32LittleEndian(file) != SnapshotMagic
            || Vigil.Storage.Checksums.Crc32C.Compute(file[..^4]) != BinaryPrimitives.ReadUInt32LittleEndian(file[^4..]))
        {
            throw new InvalidDataException("The series snapshot is corrupt (bad magic or CRC).");
        }
        var count = BinaryPrimitives.ReadInt32LittleEndian(file[4..]);
        var body = file[..^4];
        var offset = 8;
        for (var i = 0; i < count; i++)
        {
            var (id, key, last) = ReadDefinition(body, ref offset);
            Restore(id, key, last);
        }
    }

    private const uint SnapshotMagic = 0x5352_4D56; // "VMRS"
}
