namespace Vigil.Storage.Engines;

/// <summary>
/// An engine's background work — checkpoints or seals, retention, compaction — as one loop on the thread pool:
/// every <c>period</c> it runs the engine's pass, which decides for itself what is due. Failure policy (STYLE §10):
/// a pass that throws is logged to stderr and the loop goes on, since the WAL still holds whatever a failed pass did
/// not seal and the next pass (or the next start) tries again. <see cref="DisposeAsync"/> cancels the pass in flight
/// and waits for the loop to end.
/// </summary>
public sealed class MaintenanceLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    private MaintenanceLoop(string what, TimeSpan period, Func<CancellationToken, Task> pass)
    {
        _loop = Task.Run(() => RunAsync(what, period, pass, _stopping.Token));
    }

    /// <param name="what">Names the work in the log line of a failed pass ("log checkpoint or retention").</param>
    /// <param name="period">The pause between passes (500 ms in the engines: a due seal waits at most that).</param>
    /// <param name="pass">One pass; its token is cancelled when the loop is disposed.</param>
    public static MaintenanceLoop Start(string what, TimeSpan period, Func<CancellationToken, Task> pass) => new(what, period, pass);

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private static async Task RunAsync(string what, TimeSpan period, Func<CancellationToken, Task> pass, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, token).ConfigureAwait(false);
                await pass(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Any failure of a pass is logged and retried by the next one (see the class comment).
            catch (Exception ex)
#pragma warning restore CA1031
            {
                await Console.Error.WriteLineAsync($"vigil: {what} failed: {ex.Message}").ConfigureAwait(false);
            }
        }
    }
}
