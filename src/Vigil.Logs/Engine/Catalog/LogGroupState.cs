namespace Vigil.Logs.Engine.Catalog;

/// <summary>
/// A log group as the store keeps it. Mutable, and guarded by the store's lock: readers get <see cref="LogGroupInfo"/>
/// snapshots. Ids are never reused, so a deleted group's blocks can never be mistaken for a new group's.
/// </summary>
internal sealed class LogGroupState(int id, LogGroupKey key, long creationTime)
{
    public int Id { get; } = id;
    public LogGroupKey Key { get; } = key;
    public long CreationTime { get; } = creationTime;
    public int? RetentionInDays { get; set; }
    public string? KmsKeyId { get; set; }
    public string LogGroupClass { get; set; } = "STANDARD";
    public bool DeletionProtection { get; set; }
    public SortedDictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, LogStreamState> Streams { get; } = new(StringComparer.Ordinal);
    public Dictionary<int, LogStreamState> StreamsById { get; } = [];

    public void AddStream(LogStreamState stream)
    {
        Streams[stream.Name] = stream;
        StreamsById[stream.Id] = stream;
    }

    public void RemoveStream(LogStreamState stream)
    {
        HeadBytes -= stream.HeadBytes;
        Streams.Remove(stream.Name);
        StreamsById.Remove(stream.Id);
    }

    /// <summary>Bytes of this group's events in the head (message bytes plus 26 bytes of overhead each, as AWS counts).</summary>
    public long HeadBytes { get; set; }

    /// <summary>Bytes of this group's sealed blocks on disk.</summary>
    public long BlockBytes { get; set; }

    public LogGroupInfo Snapshot() => new(
        Key, CreationTime, RetentionInDays, KmsKeyId, LogGroupClass, DeletionProtection,
        new Dictionary<string, string>(Tags, StringComparer.Ordinal), HeadBytes + BlockBytes, Streams.Count);
}

/// <summary>A log stream: its statistics are updated by every append (and rebuilt by replay).</summary>
internal sealed class LogStreamState(int id, string name, long creationTime)
{
    public int Id { get; } = id;
    public string Name { get; } = name;
    public long CreationTime { get; } = creationTime;
    public long? FirstEventTimestamp { get; set; }
    public long? LastEventTimestamp { get; set; }
    public long? LastIngestionTime { get; set; }

    /// <summary>This stream's share of its group's <see cref="LogGroupState.HeadBytes"/>, released if the stream is deleted.</summary>
    public long HeadBytes { get; set; }

    public void Observe(long firstTimestamp, long lastTimestamp, long ingestionTime)
    {
        if (FirstEventTimestamp is not { } first || firstTimestamp < first)
        {
            FirstEventTimestamp = firstTimestamp;
        }

        if (LastEventTimestamp is not { } last || lastTimestamp > last)
        {
            LastEventTimestamp = lastTimestamp;
        }

        LastIngestionTime = ingestionTime;
    }

    public LogStreamInfo Snapshot() => new(Name, CreationTime, FirstEventTimestamp, LastEventTimestamp, LastIngestionTime);
}

/// <summary>A read-only view of a log group.</summary>
public sealed record LogGroupInfo(
    LogGroupKey Key,
    long CreationTime,
    int? RetentionInDays,
    string? KmsKeyId,
    string LogGroupClass,
    bool DeletionProtection,
    IReadOnlyDictionary<string, string> Tags,
    long StoredBytes,
    int StreamCount)
{
    public string Name => Key.Name;
}

/// <summary>A read-only view of a log stream.</summary>
public sealed record LogStreamInfo(string Name, long CreationTime, long? FirstEventTimestamp, long? LastEventTimestamp, long? LastIngestionTime);
