namespace Vigil.Logs.Engine;

/// <summary>
/// One log group's events since the last checkpoint, in arrival order, messages as UTF-8 in 4 MiB pages.
/// Writers append under the store's lock; readers take a <see cref="HeadView"/> under it and then read without it:
/// columns and pages only ever grow (a grown array is a copy, the old one stays valid for the events it had), so a
/// view's first <c>Count</c> events never change underneath it.
/// </summary>
internal sealed class LogHead(int groupId)
{
    private const int PageSize = 4 * 1024 * 1024;

    private long[] _timestamps = new long[1024];
    private long[] _seqs = new long[1024];
    private long[] _ingestion = new long[1024];
    private int[] _streams = new int[1024];
    private int[] _pages = new int[1024];
    private int[] _offsets = new int[1024];
    private int[] _lengths = new int[1024];
    private byte[][] _pageList = [new byte[PageSize]];
    private int _pageCount = 1;
    private int _pageUsed;

    public int GroupId { get; } = groupId;
    public int Count { get; private set; }
    public long MessageBytes { get; private set; }
    public long MinTimestamp { get; private set; } = long.MaxValue;
    public long MaxTimestamp { get; private set; } = long.MinValue;

    public void Append(int streamId, long seq, long ingestionTime, long timestamp, ReadOnlySpan<byte> message)
    {
        if (Count == _timestamps.Length)
        {
            Grow();
        }

        var page = _pageList[_pageCount - 1];
        if (_pageUsed + message.Length > page.Length)
        {
            if (_pageCount == _pageList.Length)
            {
                Array.Resize(ref _pageList, _pageList.Length * 2);
            }

            page = new byte[Math.Max(PageSize, message.Length)];
            _pageList[_pageCount++] = page;
            _pageUsed = 0;
        }

        message.CopyTo(page.AsSpan(_pageUsed));
        var i = Count;
        _timestamps[i] = timestamp;
        _seqs[i] = seq;
        _ingestion[i] = ingestionTime;
        _streams[i] = streamId;
        _pages[i] = _pageCount - 1;
        _offsets[i] = _pageUsed;
        _lengths[i] = message.Length;
        _pageUsed += message.Length;
        MessageBytes += message.Length;
        MinTimestamp = Math.Min(MinTimestamp, timestamp);
        MaxTimestamp = Math.Max(MaxTimestamp, timestamp);
        Count = i + 1;
    }

    /// <summary>A stable view of the events appended so far. Call under the store's lock.</summary>
    public HeadView View() => new(GroupId, Count, MinTimestamp, MaxTimestamp, _timestamps, _seqs, _ingestion, _streams, _pages, _offsets, _lengths, _pageList[.._pageCount]);

    private void Grow()
    {
        var n = _timestamps.Length * 2;
        Array.Resize(ref _timestamps, n);
        Array.Resize(ref _seqs, n);
        Array.Resize(ref _ingestion, n);
        Array.Resize(ref _streams, n);
        Array.Resize(ref _pages, n);
        Array.Resize(ref _offsets, n);
        Array.Resize(ref _lengths, n);
    }
}

/// <summary>An immutable window on a <see cref="LogHead"/>: events 0..Count-1 in arrival order.</summary>
internal sealed class HeadView(int groupId, int count, long minTimestamp, long maxTimestamp, long[] timestamps, long[] seqs, long[] ingestion, int[] streams, int[] pages, int[] offsets, int[] lengths, byte[][] pageList) : IEventColumns
{
    public int GroupId { get; } = groupId;
    public int Count { get; } = count;
    public long MinTimestamp { get; } = minTimestamp;
    public long MaxTimestamp { get; } = maxTimestamp;

    public long Timestamp(int i) => timestamps[i];

    public long Seq(int i) => seqs[i];

    public long IngestionTime(int i) => ingestion[i];

    public int Stream(int i) => streams[i];

    public ReadOnlySpan<byte> Message(int i) => pageList[pages[i]].AsSpan(offsets[i], lengths[i]);

    public ReadOnlyMemory<byte> MessageMemory(int i) => pageList[pages[i]].AsMemory(offsets[i], lengths[i]);
}
