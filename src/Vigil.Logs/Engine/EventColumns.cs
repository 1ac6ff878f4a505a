namespace Vigil.Logs.Engine;

/// <summary>
/// Events in column form, the shape both the head and a decoded block chunk present to scans. The position of an
/// event in a log group is (timestamp, seq): seq is the store-wide ingestion sequence, unique per event.
/// </summary>
internal interface IEventColumns
{
    int Count { get; }

    long Timestamp(int i);

    long Seq(int i);

    long IngestionTime(int i);

    int Stream(int i);

    ReadOnlySpan<byte> Message(int i);

    /// <summary>The same bytes as <see cref="Message"/>, for a consumer that holds them beyond a span's scope.</summary>
    ReadOnlyMemory<byte> MessageMemory(int i);
}

/// <summary>Where an event stands in its log group's order; pagination resumes strictly after (or before) one.</summary>
public readonly record struct EventPosition(long Timestamp, long Seq) : IComparable<EventPosition>
{
    public int CompareTo(EventPosition other)
    {
        var c = Timestamp.CompareTo(other.Timestamp);
        return c != 0 ? c : Seq.CompareTo(other.Seq);
    }

    public static bool operator <(EventPosition a, EventPosition b) => a.CompareTo(b) < 0;

    public static bool operator >(EventPosition a, EventPosition b) => a.CompareTo(b) > 0;

    public static bool operator <=(EventPosition a, EventPosition b) => a.CompareTo(b) <= 0;

    public static bool operator >=(EventPosition a, EventPosition b) => a.CompareTo(b) >= 0;
}
