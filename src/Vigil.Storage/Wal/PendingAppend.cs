using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;

namespace Vigil.Storage.Wal;

/// <summary>
/// The completion behind one <see cref="WriteAheadLog.AppendAsync(ReadOnlyMemory{byte}, CancellationToken)"/>
/// ValueTask, pooled so a steady stream of appends allocates no Task per record. Completed by
/// the writer thread; returns itself to the pool when the awaiting caller reads the result,
/// which is why a returned ValueTask must be awaited exactly once.
/// </summary>
internal sealed class PendingAppend : IValueTaskSource<long>
{
    private readonly PendingAppendPool _pool;

    // Continuations run on the thread pool, not inline on the writer thread: 64 callers
    // resuming inline would delay the next group commit by all of their work.
    private ManualResetValueTaskSourceCore<long> _core = new() { RunContinuationsAsynchronously = true };

    public PendingAppend(PendingAppendPool pool) => _pool = pool;

    public ValueTask<long> Task => new(this, _core.Version);

    public void SetResult(long lsn) => _core.SetResult(lsn);

    public void SetException(Exception error) => _core.SetException(error);

    public long GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            _core.Reset();
            _pool.Return(this);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(
        Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}

/// <summary>Thread-safe pool of <see cref="PendingAppend"/>; holds at most 1,024 (one per concurrent appender is the steady state).</summary>
internal sealed class PendingAppendPool
{
    private const int MaxRetained = 1024;

    private readonly ConcurrentQueue<PendingAppend> _items = new();
    private int _count;

    public PendingAppend Rent()
    {
        if (_items.TryDequeue(out var item))
        {
            Interlocked.Decrement(ref _count);
            return item;
        }

        return new PendingAppend(this);
    }

    public void Return(PendingAppend item)
    {
        if (Interlocked.Increment(ref _count) <= MaxRetained)
        {
            _items.Enqueue(item);
        }
        else
        {
            Interlocked.Decrement(ref _count);
        }
    }
}
