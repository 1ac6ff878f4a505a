namespace Vigil.Logs.Engine;

/// <summary>
/// A read of one log group's events: a time window, streams, a message predicate, a direction, a resume position
/// and a page size. The engine finds the first <see cref="Limit"/> matches in (timestamp, seq) order.
/// </summary>
public sealed record LogScan
{
    public required Catalog.LogGroupKey Group { get; init; }

    /// <summary>Inclusive.</summary>
    public long StartTime { get; init; } = long.MinValue;

    /// <summary>Exclusive.</summary>
    public long EndTime { get; init; } = long.MaxValue;

    /// <summary>Only these streams (null: all). Names that do not exist are ignored.</summary>
    public IReadOnlyCollection<string>? StreamNames { get; init; }

    /// <summary>Only streams whose name starts with this (null: all).</summary>
    public string? StreamNamePrefix { get; init; }

    /// <summary>The message predicate (null: every event matches).</summary>
    public Func<string, bool>? Match { get; init; }

    /// <summary>Substrings (ordinal) every matching message contains: chunks and events without them are skipped unread.</summary>
    public IReadOnlyList<string> RequiredSubstrings { get; init; } = [];

    /// <summary>Newest first instead of oldest first.</summary>
    public bool Descending { get; init; }

    /// <summary>Resume strictly after this position (in the scan's direction).</summary>
    public EventPosition? After { get; init; }

    public int Limit { get; init; } = 10_000;

    /// <summary>Stop before the page's messages (plus 26 bytes each) exceed this.</summary>
    public long MaxBytes { get; init; } = 1_048_576;
}

/// <summary>One event as a read returns it.</summary>
public sealed record LogEventRecord(string StreamName, long Timestamp, long IngestionTime, long Seq, string Message)
{
    public EventPosition Position => new(Timestamp, Seq);
}

/// <summary>A page of events; <see cref="HasMore"/> when more matches lie beyond its last event.</summary>
public sealed record LogScanResult(IReadOnlyList<LogEventRecord> Events, bool HasMore, IReadOnlyList<string> SearchedStreams);
