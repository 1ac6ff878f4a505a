using Microsoft.Win32.SafeHandles;
using Vigil.Storage.IO;

namespace Vigil.Storage.Wal;

/// <summary>
/// An append-only, checksummed, segmented write-ahead log with group commit
/// (format: docs/formats/wal.md).
/// <para>
/// Threading: every public member is thread-safe. Appenders encode their record (CRC, header,
/// payload) into a pooled buffer and put it on a lock-free queue; a dedicated writer thread
/// ("vigil-wal-writer") takes everything queued, gives it LSNs in queue order, writes it with one
/// vectored write, syncs once, then completes every append in it. While it syncs, the next batch
/// queues up, so under concurrency one sync covers many records. (The first version filled a
/// shared batch under a lock; with 64 callers on 2 cores the lock's contention cost more CPU
/// than the gateway's whole SigV4 check.)
/// Appends complete on the thread pool, never inline on the writer thread, so a slow
/// caller's continuation cannot delay the next group commit.
/// </para>
/// <para>
/// Failure policy: if a write, sync or segment rollover fails, the log stops accepting writes
/// for good. The batch in flight, every append queued behind it and every later append fault
/// with <see cref="WalFailedException"/> (inner exception = the I/O error). Nothing is
/// acknowledged that was not synced; bytes that reached the file without being acknowledged
/// may come back after a reopen, which is allowed — an append that faulted has an unknown
/// outcome, as with any database. There is no retry: after a failed fsync the kernel may have
/// dropped the dirty pages (the 2018 PostgreSQL "fsyncgate"), so only reopening, which
/// re-reads and validates the file, is safe.
/// </para>
/// <para>
/// LSNs are derived, not stored: a segment's name and header hold the LSN of its first
/// record, and each following record is one more. The first record ever written is LSN 1.
/// </para>
/// </summary>
public sealed partial class WriteAheadLog : IAsyncDisposable
{
    /// <summary>The record type appends get when they do not name one.</summary>
    public const byte DataRecordType = 1;

    private readonly WalOptions _options;
    private readonly string _directory;
    private readonly PendingAppendPool _pool = new();
    private readonly Thread _writer;
    private readonly TaskCompletionSource _writerExited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Recovered state, read by Replay.
    private readonly WalSegmentInfo[] _recoveredSegments;
    private readonly long _recoveredNextLsn;

    // Appenders queue encoded records here; the writer drains it. Lock-free both ways.
    private readonly System.Collections.Concurrent.ConcurrentQueue<QueuedAppend> _queue = new();
    private readonly SemaphoreSlim _wake = new(0);
    private int _writerIdle;        // 1 while the writer waits (or is about to) on _wake
    private bool _writerGone;       // set once by the writer as it exits
    private volatile WalFailedException? _failure;
    private volatile bool _closing;
    private long _nextLsn;          // writer thread only, after construction

    // Guards _segments (writer adds on rollover, TruncateBefore removes from the front).
    private readonly object _segmentsLock = new();
    private readonly List<WalSegmentInfo> _segments;

    // Serialises TruncateBefore calls so deletions always go oldest-first (see there).
    private readonly object _truncateLock = new();

    // Writer thread only.
    private SafeFileHandle? _active;
    private long _activeLength;
    // Where the zero-filled region of the active segment ends (>= _activeLength).
    private long _zeroedLength;
    private byte[]? _zeroChunk;

    private long _durableLsn;
    private long _recordsWritten;
    private long _batchesWritten;
    private long _syncs;

    private WriteAheadLog(WalOptions options, WalRecoveryResult recovery)
    {
        _options = options;
        _directory = options.Directory;
        Recovery = recovery.Report;
        _segments = recovery.Segments;
        _recoveredSegments = [.. recovery.Segments];
        _recoveredNextLsn = recovery.Report.NextLsn;
        _nextLsn = recovery.Report.NextLsn;
        _durableLsn = _nextLsn - 1;
        if (_segments.Count > 0)
        {
            _active = File.OpenHandle(_segments[^1].Path, FileMode.Open, FileAccess.Write, FileShare.Read);
            _activeLength = recovery.ActiveLength;
            _zeroedLength = Math.Max(_activeLength, RandomAccess.GetLength(_active));
        }

        _writer = new Thread(WriterLoop) { IsBackground = true, Name = "vigil-wal-writer" };
    }

    /// <summary>What recovery found and cut when the log was opened.</summary>
    public WalRecoveryReport Recovery { get; }

    /// <summary>Highest LSN known to be on disk (synced, or written under <see cref="SyncMode.None"/>).</summary>
    public long DurableLsn => Volatile.Read(ref _durableLsn);

    internal long RecordsWritten => Interlocked.Read(ref _recordsWritten);

    internal long BatchesWritten => Interlocked.Read(ref _batchesWritten);

    internal long Syncs => Interlocked.Read(ref _syncs);

    /// <summary>
    /// Opens (creating if needed) the log in <see cref="WalOptions.Directory"/>, runs recovery
    /// (see <see cref="Recovery"/>) and starts the writer thread. Throws
    /// <see cref="StorageFormatException"/> for files it must not truncate (a newer version, a
    /// foreign file) and <see cref="IOException"/> for I/O errors.
    /// </summary>
    public static WriteAheadLog Open(WalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        System.IO.Directory.CreateDirectory(options.Directory);
        var recovery = WalRecovery.Run(options.Directory, options.Sync, options.MinimumNextLsn);
        var log = new WriteAheadLog(options, recovery);
        log._writer.Start();
        return log;
    }

    /// <summary>
    /// Drains every queued append (they complete normally), closes the active segment and stops
    /// the writer. Appends after this fault with <see cref="ObjectDisposedException"/>.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (!_closing)
        {
            _closing = true;
            WakeWriter();
        }

        await _writerExited.Task.ConfigureAwait(false);
    }
}
