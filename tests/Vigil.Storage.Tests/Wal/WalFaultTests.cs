using Vigil.Storage.Wal;

namespace Vigil.Storage.Tests.Wal;

/// <summary>The failure policy: after an I/O error the log refuses writes and acknowledges nothing unsynced.</summary>
public sealed class WalFaultTests
{
    [Fact]
    public async Task A_failed_sync_faults_the_batch_and_every_later_append()
    {
        using var temp = new TempDirectory();
        var syncs = 0;
        var log = WalTestKit.Open(temp.Path, hook: op =>
        {
            if (op == WalIoOperation.Sync && Interlocked.Increment(ref syncs) == 4)
            {
                throw new IOException("simulated EIO from fdatasync");
            }
        });

        for (var i = 0; i < 3; i++)
        {
            (await log.AppendAsync(WalTestKit.Payload(i, 30))).ShouldBe(i + 1);
        }

        var failed = await Should.ThrowAsync<WalFailedException>(log.AppendAsync(WalTestKit.Payload(3, 30)).AsTask());
        failed.InnerException.ShouldBeOfType<IOException>().Message.ShouldBe("simulated EIO from fdatasync");
        var later = await Should.ThrowAsync<WalFailedException>(log.AppendAsync(WalTestKit.Payload(4, 30)).AsTask());
        later.ShouldBeSameAs(failed);
        await Should.ThrowAsync<WalFailedException>(log.AppendBatchAsync([new byte[1]]).AsTask());
        await log.DisposeAsync();

        // The three acknowledged records are intact. The failed one was written before its
        // sync failed, so it may reappear; that is allowed for an unacknowledged append.
        var (_, records) = await WalTestKit.Reopen(temp.Path);
        records.Count.ShouldBeInRange(3, 4);
        records.Take(3).Select(r => r.Payload).ShouldBe(Enumerable.Range(0, 3).Select(i => WalTestKit.Payload(i, 30)));
    }

    [Fact]
    public async Task A_failed_write_faults_everything_queued_behind_it_and_nothing_hangs()
    {
        using var temp = new TempDirectory();
        using var firstWriteStarted = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var log = WalTestKit.Open(temp.Path, hook: op =>
        {
            if (op == WalIoOperation.Write)
            {
                firstWriteStarted.Set();
                release.Wait(); // hold the writer so a queue builds up behind it
                throw new IOException("simulated ENOSPC");
            }
        });

        var first = log.AppendAsync(new byte[10]).AsTask();
        firstWriteStarted.Wait(TimeSpan.FromSeconds(10)).ShouldBeTrue();
        var queued = Enumerable.Range(0, 200).Select(i => log.AppendAsync(WalTestKit.Payload(i, 10)).AsTask()).ToArray();
        release.Set();

        await Should.ThrowAsync<WalFailedException>(first);
        foreach (var task in queued)
        {
            var error = await Should.ThrowAsync<WalFailedException>(task);
            error.InnerException!.Message.ShouldBe("simulated ENOSPC");
        }

        await log.DisposeAsync();
        (await WalTestKit.Reopen(temp.Path)).Records.ShouldBeEmpty();
    }
}
