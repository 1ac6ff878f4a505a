namespace Vigil.Audit.Engine;

/// <summary>
/// The unsealed events, as read back from the WAL: in sequence (LSN) order, their JSON copied into 1 MiB pages.
/// One writer at a time (<see cref="AuditLog"/>'s catch-up, under its catch-up lock) appends and then
/// <see cref="Publish"/>es; readers take <see cref="Snapshot"/> from any thread and never block the writer. What a
/// snapshot covers never changes: records are only added after it, and a grown array leaves the old one intact.
/// </summary>
internal sealed class AuditHead
{
    // Events above a quarter page get their own array, so a page wastes at most a quarter of itself.
    private const int PageBytes = 1024 * 1024;

    private AuditRecord[] _records = new AuditRecord[256];
    private int _count;
    private byte[] _page = [];
    private int _pageUsed;
    private long _minTime = long.MaxValue;
    private long _maxTime = long.MinValue;
    private volatile HeadSnapshot _published = HeadSnapshot.Empty;

    /// <summary>JSON bytes held (published or not): what the size trigger of a seal compares.</summary>
    public long Bytes { get; private set; }

    public int Count => _count;

    public long LastSequence => _count == 0 ? 0 : _records[_count - 1].Sequence;

    /// <summary>When the first event came in (the interval trigger of a seal); null while empty.</summary>
    public DateTimeOffset? StartedAt { get; private set; }

    public HeadSnapshot Snapshot => _published;

    public void Add(long sequence, long eventTimeMillis, ReadOnlySpan<byte> json, DateTimeOffset now)
    {
        ReadOnlyMemory<byte> stored;
        if (json.Length > PageBytes / 4)
        {
            stored = json.ToArray();
        }
        else
        {
            if (_page.Length - _pageUsed < json.Length)
            {
                _page = new byte[PageBytes];
                _pageUsed = 0;
            }

            json.CopyTo(_page.AsSpan(_pageUsed));
            stored = _page.AsMemory(_pageUsed, json.Length);
            _pageUsed += json.Length;
        }

        if (_count == _records.Length)
        {
            Array.Resize(ref _records, _count * 2);
        }

        _records[_count++] = new AuditRecord(sequence, eventTimeMillis, stored);
        _minTime = Math.Min(_minTime, eventTimeMillis);
        _maxTime = Math.Max(_maxTime, eventTimeMillis);
        Bytes += json.Length;
        StartedAt ??= now;
    }

    /// <summary>Makes everything added so far visible to <see cref="Snapshot"/>.</summary>
    public void Publish()
    {
        if (_published.Count != _count)
        {
            _published = new HeadSnapshot(_records, _count, _minTime, _maxTime);
        }
    }
}

/// <summary>An immutable view of a head: its first <see cref="Count"/> records, in sequence order.</summary>
internal sealed record HeadSnapshot(AuditRecord[] Records, int Count, long MinTime, long MaxTime)
{
    public static HeadSnapshot Empty { get; } = new([], 0, long.MaxValue, long.MinValue);

    public ReadOnlySpan<AuditRecord> Span => Records.AsSpan(0, Count);
}
