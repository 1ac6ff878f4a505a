using Vigil.Storage.Engines;

namespace Vigil.Storage.Tests.Engines;

public sealed class MaintenanceLoopTests
{
    [Fact]
    public async Task A_failing_pass_does_not_stop_the_loop_and_dispose_cancels_the_pass_in_flight()
    {
        var passes = 0;
        var cancelled = new TaskCompletionSource();
        var loop = MaintenanceLoop.Start("test work", TimeSpan.FromMilliseconds(1), async token =>
        {
            if (Interlocked.Increment(ref passes) <= 3)
            {
                throw new IOException("disk full");
            }

            try
            {
                await Task.Delay(Timeout.Infinite, token);
            }
            catch (OperationCanceledException)
            {
                cancelled.SetResult();
                throw;
            }
        });

        while (Volatile.Read(ref passes) < 4)
        {
            await Task.Delay(5);
        }

        await loop.DisposeAsync();
        cancelled.Task.IsCompleted.ShouldBeTrue();
        passes.ShouldBe(4);
        await loop.DisposeAsync(); // twice is fine
    }
}
