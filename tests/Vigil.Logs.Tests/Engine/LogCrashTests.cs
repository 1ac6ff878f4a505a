using Vigil.Logs.Engine;

namespace Vigil.Logs.Tests.Engine;

public sealed class LogCrashTests
{
    private static readonly long T = LogStoreFixture.Ms(LogStoreFixture.T0);

    [Fact]
    public async Task A_torn_last_batch_is_lost_whole_and_everything_before_it_is_kept()
    {
        await using var f = new LogStoreFixture();
        await f.CreateAsync("s");
        await f.PutAsync("s", (T, "first"), (T + 1, "second"));
        await f.PutAsync("s", (T + 2, "third"), (T + 3, "fourth, torn"));
        await f.Store.DisposeAsync();

        // Cut the last record short, as a crash in the middle of writing it would.
        var segment = Directory.GetFiles(Path.Combine(f.Directory, "wal")).Order(StringComparer.Ordinal).Last();
        var bytes = await File.ReadAllBytesAsync(segment);
        var end = Array.FindLastIndex(bytes, b => b != 0) + 1;
        await File.WriteAllBytesAsync(segment, bytes[..(end - 5)]);

        await f.ReopenAsync();
        f.Scan().Events.Select(e => e.Message).ShouldBe(["first", "second"]);
        f.Store.ListLogStreams(LogStoreFixture.Group).Single().LastEventTimestamp.ShouldBe(T + 1);
        await f.PutAsync("s", (T + 4, "after recovery"));
        await f.ReopenAsync();
        f.Scan().Events.Select(e => e.Message).ShouldBe(["first", "second", "after recovery"]);
    }

    [Fact]
    public async Task A_block_written_by_a_checkpoint_that_never_published_is_discarded()
    {
        await using var f = new LogStoreFixture();
        await f.CreateAsync("s");
        await f.PutAsync("s", (T, "kept by the wal"));
        await f.Store.DisposeAsync();
        var stray = Path.Combine(f.Directory, "blocks", "g00000001-00000000000000000099.lblk");
        await File.WriteAllBytesAsync(stray, [1, 2, 3]);

        await f.ReopenAsync();
        File.Exists(stray).ShouldBeFalse();
        f.Scan().Events.Single().Message.ShouldBe("kept by the wal");
    }
}
