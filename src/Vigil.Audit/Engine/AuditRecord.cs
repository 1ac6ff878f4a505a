using Vigil.Audit.Model;

namespace Vigil.Audit.Engine;

/// <summary>
/// One stored audit event as reads return it: its sequence number (the WAL LSN it was appended at: unique, increasing
/// in append order), its event time and its CloudTrail JSON exactly as appended (docs/formats/audit-event.md).
/// <see cref="Json"/> points into an immutable buffer the caller may keep.
/// </summary>
public readonly record struct AuditRecord(long Sequence, long EventTimeMillis, ReadOnlyMemory<byte> Json)
{
    public AuditPosition Position => new(EventTimeMillis, Sequence);

    public AuditEvent Decode() => AuditEventJson.Deserialize(Json.Span);
}

/// <summary>
/// Where an event sits in the trail's order: by event time, then by sequence (arrival). Every event has its own, so a
/// read can resume strictly after the last event it returned (a pagination token).
/// </summary>
public readonly record struct AuditPosition(long EventTimeMillis, long Sequence) : IComparable<AuditPosition>
{
    public static AuditPosition MinValue { get; } = new(long.MinValue, long.MinValue);
    public static AuditPosition MaxValue { get; } = new(long.MaxValue, long.MaxValue);

    public int CompareTo(AuditPosition other)
    {
        var c = EventTimeMillis.CompareTo(other.EventTimeMillis);
        return c != 0 ? c : Sequence.CompareTo(other.Sequence);
    }

    public static bool operator <(AuditPosition left, AuditPosition right) => left.CompareTo(right) < 0;
    public static bool operator >(AuditPosition left, AuditPosition right) => left.CompareTo(right) > 0;
    public static bool operator <=(AuditPosition left, AuditPosition right) => left.CompareTo(right) <= 0;
    public static bool operator >=(AuditPosition left, AuditPosition right) => left.CompareTo(right) >= 0;
}

/// <summary>The order a read returns events in.</summary>
public enum AuditOrder
{
    /// <summary>Latest event time first, as CloudTrail's LookupEvents.</summary>
    NewestFirst,
    OldestFirst,
}
