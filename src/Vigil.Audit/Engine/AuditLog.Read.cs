namespace Vigil.Audit.Engine;

/// <summary>Reads by time range, for CloudTrail's LookupEvents and for tests.</summary>
public sealed partial class AuditLog
{
    /// <summary>
    /// The events with <paramref name="startTime"/> ≤ event time ≤ <paramref name="endTime"/> (both inclusive, to the
    /// millisecond, as LookupEvents) and within retention, from blocks and the unsealed tail, each exactly once, in
    /// <paramref name="order"/>; ties in time go by sequence. With <paramref name="after"/> (the position of the last
    /// event a previous page returned) the read resumes strictly after it in that order.
    /// <para>
    /// Every event acknowledged before the call is included: the read first catches up with the WAL, then takes a
    /// snapshot of the blocks and heads; seals and retention passes after that do not disturb it. Enumerate lazily:
    /// chunks are decoded only as the enumeration reaches their time range. A damaged block throws
    /// <see cref="Vigil.Storage.StorageFormatException"/> when the read reaches it.
    /// </para>
    /// </summary>
    public IEnumerable<AuditRecord> Read(DateTimeOffset startTime, DateTimeOffset endTime, AuditOrder order = AuditOrder.NewestFirst, AuditPosition? after = null)
    {
        var lower = new AuditPosition(Math.Max(startTime.ToUnixTimeMilliseconds(), RetentionCutoff()), long.MinValue);
        var upper = new AuditPosition(endTime.ToUnixTimeMilliseconds(), long.MaxValue);
        if (after is { } resume)
        {
            if (order == AuditOrder.NewestFirst)
            {
                upper = Min(upper, Before(resume));
            }
            else
            {
                lower = Max(lower, After(resume));
            }
        }

        // Under both locks, in the seal's order, so the snapshot sees each event in exactly one place: the head, a
        // head being sealed, or a block.
        var sources = new List<ReadSource>();
        lock (_catchUpLock)
        {
            CatchUp();
            lock (_lock)
            {
                foreach (var block in _blocks)
                {
                    sources.Add(new BlockSource(block));
                }

                foreach (var head in _sealing)
                {
                    sources.Add(new HeadSource(head.Snapshot));
                }

                sources.Add(new HeadSource(_head.Snapshot));
            }
        }

        return lower > upper ? [] : AuditMerge.Read(sources, lower, upper, order);
    }

    /// <summary>Every event still within retention, oldest first.</summary>
    public IEnumerable<AuditRecord> ReadAll(AuditOrder order = AuditOrder.OldestFirst) =>
        Read(DateTimeOffset.MinValue, DateTimeOffset.MaxValue, order);

    private static AuditPosition Before(AuditPosition p) =>
        p.Sequence == long.MinValue ? new(p.EventTimeMillis - 1, long.MaxValue) : new(p.EventTimeMillis, p.Sequence - 1);

    private static AuditPosition After(AuditPosition p) =>
        p.Sequence == long.MaxValue ? new(p.EventTimeMillis + 1, long.MinValue) : new(p.EventTimeMillis, p.Sequence + 1);

    private static AuditPosition Min(AuditPosition a, AuditPosition b) => a <= b ? a : b;

    private static AuditPosition Max(AuditPosition a, AuditPosition b) => a >= b ? a : b;
}
